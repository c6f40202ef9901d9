// The diagnostic builds `npm run bench:ceiling` measures: the service with part of a callback's work
// taken away, each made by replacing text of the sources while bundling, so that the sources stay
// the service's. Never a service to run: each drops what the ledger must keep. If a source no longer
// holds the text a variant replaces, building it fails and says which (a unit test checks them all).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'esbuild';

export interface Replacement {
  /** Relative to the project root. */
  file: string;
  find: string;
  replace: string;
}

export interface CeilingVariant {
  name: string;
  /** What is left of a callback's work, for the table. */
  does: string;
  /** Whether it writes what a callback settles: then each callback must be new, as in the bench. */
  writes: boolean;
  replacements: Replacement[];
}

const APPLY_CALLBACK = {
  file: 'src/store/sqlite/write-operations.ts',
  find: '  applyCallback(sql: Statements, callback: CallbackToApply): CallbackOutcome {\n',
};

export const CEILING_VARIANTS: readonly CeilingVariant[] = [
  { name: 'service', does: 'as built', writes: true, replacements: [] },
  {
    name: 'one-row',
    does: 'the payment read and a ledger row, nothing else',
    writes: true,
    replacements: [
      {
        ...APPLY_CALLBACK,
        replace: `${APPLY_CALLBACK.find}    {
      const p = toPayment(sql.payment.get(callback.facts.paymentId)!);
      sql.insertLedgerEntry.run(p.paymentId, p.customerId, p.amount, p.currency, 0, callback.receivedAt);
      return { result: 'credited', paymentId: p.paymentId };
    }
`,
      },
      // The ledger row names no stored callback (id 0): its reference cannot hold.
      {
        file: 'src/store/sqlite/connection.ts',
        find: "  database.pragma('wal_autocheckpoint = 10000');\n",
        replace: "  database.pragma('wal_autocheckpoint = 10000');\n  database.pragma('foreign_keys = OFF');\n",
      },
    ],
  },
  {
    name: 'no-sql',
    does: 'the hand-off and an empty transaction',
    writes: false,
    replacements: [{ ...APPLY_CALLBACK, replace: `${APPLY_CALLBACK.find}    return { result: 'credited', paymentId: callback.facts.paymentId };\n` }],
  },
  {
    name: 'no-store',
    does: 'no store',
    writes: false,
    replacements: [
      {
        file: 'src/handlers/callback.ts',
        find: '  const outcome = await deps.store.applyCallback({\n',
        replace: "  return success({ code: 0, result: 'credited', payment_id: body.payment.id });\n  const outcome = await deps.store.applyCallback({\n",
      },
    ],
  },
];

/** `text` (the file `file`) with the replacements meant for it; each must find its text exactly once. */
export function applyReplacements(file: string, text: string, replacements: readonly Replacement[]): string {
  let result = text;
  for (const r of replacements.filter((r) => r.file === file)) {
    const at = result.indexOf(r.find);
    if (at < 0 || result.indexOf(r.find, at + 1) >= 0) {
      throw new Error(`${file}: the text a bench:ceiling variant replaces is ${at < 0 ? 'no longer there' : 'there more than once'}; update scripts/bench/ceiling-variants.ts:\n${r.find}`);
    }
    result = result.slice(0, at) + r.replace + result.slice(at + r.find.length);
  }
  return result;
}

/** An esbuild plugin that bundles the sources with `replacements` made. */
export function replacing(root: string, replacements: readonly Replacement[]): Plugin {
  const files = new Set(replacements.map((r) => path.resolve(root, r.file)));
  return {
    name: 'bench-ceiling-replacements',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!files.has(args.path)) return undefined;
        const text = await readFile(args.path, 'utf8');
        return { contents: applyReplacements(path.relative(root, args.path), text, replacements), loader: 'ts' };
      });
    },
  };
}
