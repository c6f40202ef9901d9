// `ledger check`: the ledger's rules checked over the whole store, as `backup` checks its copy.
import { ledgerCheckJson, type Schemas } from '../admin/representation.js';
import type { Store } from '../store/store.js';

export async function ledgerCheckCommand(store: Store) {
  return ledgerCheckJson(await (await store.operatorReads()).ledgerCheck(), new Date());
}

/** What an operator reads on stderr when a rule is broken; undefined when the ledger holds. */
export function brokenRulesText(check: Schemas['LedgerCheck']): string | undefined {
  if (check.broken.length === 0) return undefined;
  return check.broken.map((b) => `${b.count} × ${b.says} (${b.kind}), e.g. ${b.examples[0]?.subject}: ${b.examples[0]?.detail}`).join('\n');
}
