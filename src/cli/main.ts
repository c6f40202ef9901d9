// `npm run --silent cli -- COMMAND`: signing tools and store administration.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AdminTokenError, newAdminToken, type AdminRole } from '../admin/admin-tokens.js';
import { DEFAULT_DATABASE_URL, storeOptionsOf } from '../config.js';
import { MIGRATION_NAMES } from '../store/migration-names.js';
import { openStore, StoreMissingError } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { backupCommand } from './backup-command.js';
import { CliError } from './cli-error.js';
import { optionProblem, OPTIONS, readCommand } from './command-shapes.js';
import { loadCliDatabaseConfig } from './cli-config.js';
import { restoreCommand } from './restore-command.js';
import { brokenRulesText, ledgerCheckCommand } from './ledger-command.js';
import { ledgerExport, ledgerExportPeriod, LedgerExportTotals } from './ledger-export-command.js';
import { actorOf, addAdjustment, listAuditLog, listJobRuns, reviewCallback } from './operator-commands.js';
import { SECRET_VARIABLE, signCommand } from './sign-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { simulate } from './simulate-command.js';
import { CHECK_USAGE, checkCommand, syncCommand } from './sync-command.js';
import {
  addAccount,
  closeAccount,
  pendingPaymentsNote,
  expirePayments,
  importAccounts,
  listCallbacks,
  listPayments,
  listRejectedCallbacks,
  reopenAccount,
  showAccount,
} from './store-commands.js';
import { wholeNumber } from './whole-number.js';

const USAGE = `usage: npm run --silent cli -- COMMAND

  sign [--secret KEY] [--algorithm documented|sdk] [--stamp]
                                    signature of the JSON object on stdin (--stamp: the joined string);
                                    the secret from KASSA24_SECRET when --secret is not given
  accounts add --customer-id ID --currency KZT [--additional-id X] [--actor NAME]   (audited)
  accounts import                   accounts from JSON lines on stdin: {"customer_id","currency","additional_customer_id"?};
                                    all lines checked first; accounts already stored as given are left unchanged
  accounts show ID                  one JSON object: customer_id, currency, balance, status, additional_customer_id
  accounts close ID [--actor NAME]  verify and check_deposit then answer 404; payments already open still settle (audited);
                                    the pending ones are counted on stderr
  accounts reopen ID [--actor NAME] a closed account active again, its balance and ledger as they were (audited)
  payments list [--customer-id ID] [--status pending|success|failed|expired]   one JSON object per line
  payments sync [--older-than 15m] [--limit 1000] [--rate 5]
                                    ask the Gate (GATE_URL) for the status of pending payments, those never asked first,
                                    then those asked longest ago, and apply the final ones through the exactly-once path
                                    (source status_request); one JSON line per payment, a summary last; exit 1 if any
                                    could not be asked
  payments check ID [--actor NAME]  ask the Gate (GATE_URL) about one payment now, whatever its status, and apply a final
                                    status as payments sync does (the callback names NAME as asked-by); one JSON line;
                                    exit 1 if the Gate could not be asked or answered nothing usable
  payments expire [--older-than-days 36]   mark payments pending beyond the threshold expired (daily from cron, or PAYMENT_EXPIRY_INTERVAL)
  callbacks list [--payment-id ID] [--flagged]                          stored callbacks, one JSON object per line
  callbacks list --rejected         signed callbacks refused for breaking the contract (kept aside), one per line
  callbacks review ID --note TEXT [--actor NAME]
                                    close the review of a flagged callback (audited)
  adjustments add --customer-id C --amount N --reason TEXT --idempotency-key K [--callback-id ID] [--payment-id ID] [--actor NAME]
                                    a signed correction of a balance in minor units, as a ledger entry of its own
                                    (a negative amount as --amount=-500; audited; the same key again changes
                                    nothing; a balance made negative is refused); --payment-id pays that
                                    payment by hand, refused if it is credited or paid by hand already
  audit list                        every operator action, refused ones too, one JSON object per line
  jobs list                         the last run of each job the service runs by itself, one JSON object per line;
                                    exit 1 when one failed at its last run (a check for cron)
  reconcile --file PATH [--format csv|json] [--map field=Column,…] [--amount-unit major|minor]
            [--from DATE --to DATE] [--apply]
                                    the platform's records (Dashboard CSV report, or a saved Data API answer) against the
                                    ledger: one JSON line per discrepancy (missing_here, missing_there, amount_mismatch,
                                    status_mismatch, unknown_payment), a summary last; exit 1 on any, 2 on bad input
                                    (nothing written); --apply credits missing_here payments once (source reconciliation)
  admin-token create --name NAME --role viewer|operator
                                    a new admin API token, printed once, and the ADMIN_TOKENS entry that admits it
                                    (only its SHA-256 is configured)
  migrate                           apply the schema migrations and exit (creating a SQLite store that is not there);
                                    every other store command refuses a missing store or one whose schema is behind
  ledger check                      the ledger's rules over the whole store: every balance the sum of its credits and
                                    adjustments, every credit its payment's, every success credited or settled by hand
                                    (by its own account's adjustment), none both; totals, and each broken rule with
                                    examples; exit 1 if any is broken
  ledger export --from DATE --to DATE [--format jsonl|csv]
                                    every credit and adjustment made in the period, every account, oldest first, amounts
                                    in minor units (DATE: a UTC day, --to included, or a time); totals on stderr
  backup --to FILE                  an online copy of the SQLite store, checked (SQLite's integrity check, then the
                                    ledger's rules) before it takes the name FILE; exit 1 if a rule is broken
  restore --from FILE               put a backup in place of the SQLite store: the backup checked first, the store
                                    refused while anything has it open (stop the service), then set aside beside it
                                    (never deleted); exit 1 if the backup breaks a ledger rule
  simulate --url BASE --project ID [--secret KEY] --customer-id C --amount N
           [--status success|decline] [--duplicates K] [--bad-signature]
                                    play the platform: verify -> check_deposit -> callback, answers checked against the contract

Store commands use DATABASE_URL (default ${DEFAULT_DATABASE_URL}), DATABASE_POOL_SIZE and DATABASE_TIMEOUT_MS as the service does.`;

async function openCliStore(options: { mustExist?: boolean } = {}): Promise<Store> {
  const config = loadCliDatabaseConfig();
  try {
    return await openStore(config.databaseUrl, { ...storeOptionsOf(config), ...options });
  } catch (error) {
    if (error instanceof StoreMissingError) {
      throw new CliError(
        `${error.message}: check DATABASE_URL. The service creates its store when it first starts; \`npm run --silent cli -- migrate\` creates one here. Nothing was created.`,
      );
    }
    throw error;
  }
}

/**
 * Runs `work` on an existing store, which must be migrated already: an administrative command never
 * creates a store or changes a schema as a side effect (the service may be running an older version
 * against it, or DATABASE_URL may name the wrong store).
 */
async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore({ mustExist: true });
  try {
    const pending = await store.pendingMigrations();
    if (pending.length === MIGRATION_NAMES.length) {
      throw new CliError(
        "the store has no schema: no migration was ever applied to it. If DATABASE_URL names the service's store, run `npm run --silent cli -- migrate` first; otherwise correct DATABASE_URL. Nothing was changed.",
      );
    }
    if (pending.length > 0) {
      throw new CliError(
        `the store's schema is behind: ${pending.length} migration(s) not applied (${pending.join(', ')}); run \`npm run --silent cli -- migrate\` first. Nothing was changed.`,
      );
    }
    return await work(store);
  } finally {
    await store.close();
  }
}

// --secret wins over the environment; the environment keeps the secret out of the process list.
const secretOf = (given: string | undefined): string | undefined => given || process.env[SECRET_VARIABLE] || undefined;

// Whoever reads the output may stop early (`| head`): the listing then ends quietly, the store
// closed as after any command, instead of dying on a write to a closed pipe.
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') readerGone = true;
  else throw error;
});

const print = (value: unknown): void => {
  if (!readerGone) process.stdout.write(`${JSON.stringify(value)}\n`);
};

/** A ledger that breaks a rule is reported on stderr and fails the command. */
function reportBroken(check: Parameters<typeof brokenRulesText>[0]): void {
  const text = brokenRulesText(check);
  if (text === undefined) return;
  process.stderr.write(`the ledger breaks its rules:\n${text}\n`);
  process.exitCode = 1;
}

/** A copy's ledger as checked (a broken rule fails the command), or why it was not checked. */
function reportCopyChecked(
  copy: { schema: string | null; ledger: Parameters<typeof brokenRulesText>[0] | null },
  whose: string,
  then: string,
) {
  if (copy.ledger) reportBroken(copy.ledger);
  else process.stderr.write(`${whose} schema (${copy.schema ?? 'none'}) is not this release's: ${then}\n`);
}

/**
 * Writes each line of a text as it is made, while the store is open, gathered into writes of about
 * 64 kB (a write a line costs more than reading the line); stops when nobody reads.
 */
const writeEach =
  (text: (store: Store) => AsyncIterable<string>) =>
  async (store: Store): Promise<void> => {
    let gathered: string[] = [];
    let size = 0;
    const flush = () => {
      if (!readerGone && gathered.length > 0) process.stdout.write(gathered.join(''));
      gathered = [];
      size = 0;
    };
    for await (const line of text(store)) {
      if (readerGone) return;
      gathered.push(line);
      size += line.length;
      if (size >= 65_536) flush();
    }
    flush();
  };

/** Prints each item of a list as a JSON line as it is read (writeEach). */
const printEach = <T>(list: (store: Store) => AsyncIterable<T>) =>
  writeEach(async function* (store) {
    for await (const item of list(store)) yield `${JSON.stringify(item)}\n`;
  });

async function run(argv: string[]): Promise<void> {
  const written = optionProblem(argv);
  if (written) throw new CliError(`${written}\n\n${USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const read = readCommand(positionals, Object.keys(values));
  if ('problem' in read) throw new CliError(`${read.problem}\n\n${USAGE}`);
  const { command, id: arg } = read;
  switch (command) {
    case 'sign':
      process.stdout.write(
        `${signCommand(readFileSync(0, 'utf8'), { secret: secretOf(values.secret), algorithm: values.algorithm, stampOnly: values.stamp ?? false })}\n`,
      );
      return;
    case 'accounts add':
      print(
        await withStore((s) =>
          addAccount(s, {
            customerId: values['customer-id'],
            currency: values.currency,
            additionalId: values['additional-id'],
            actor: values.actor,
          }),
        ),
      );
      return;
    case 'accounts import': {
      const input = readFileSync(0, 'utf8');
      print(await withStore((s) => importAccounts(s, input)));
      return;
    }
    case 'accounts show':
      print(await withStore((s) => showAccount(s, arg)));
      return;
    case 'accounts close': {
      const { account, note } = await withStore(async (s) => {
        const closed = await closeAccount(s, arg, values.actor);
        return { account: closed, note: await pendingPaymentsNote(s, closed.customer_id) };
      });
      print(account);
      if (note !== undefined) process.stderr.write(`${note}\n`);
      return;
    }
    case 'accounts reopen':
      print(await withStore((s) => reopenAccount(s, arg, values.actor)));
      return;
    case 'payments list':
      await withStore(printEach((s) => listPayments(s, { customerId: values['customer-id'], status: values.status })));
      return;
    case 'reconcile': {
      const { summary, run } = await withStore((s) =>
        reconcileCommand(
          s,
          {
            file: values.file,
            format: values.format,
            map: values.map,
            amountUnit: values['amount-unit'],
            from: values.from,
            to: values.to,
            apply: values.apply,
          },
          print,
        ),
      );
      print({ summary, run_id: run.id });
      const { compared: _c, matching: _m, skipped: _s, period: _p, applied: _a, ...found } = summary;
      if (Object.values(found).some((n) => n > 0)) process.exitCode = 1;
      return;
    }
    case 'payments sync': {
      const summary = await withStore((s) =>
        syncCommand(s, { olderThan: values['older-than'], limit: values.limit, rate: values.rate }, print),
      );
      print({ summary });
      if (summary.not_answered > 0 || summary.refused > 0) process.exitCode = 1;
      return;
    }
    case 'payments check': {
      if (arg === undefined) throw new CliError(CHECK_USAGE);
      const line = await withStore((s) => checkCommand(s, arg, actorOf(values.actor)));
      print(line);
      if (line.outcome === 'not_answered' || line.outcome === 'refused') process.exitCode = 1;
      return;
    }
    case 'payments expire':
      print(await withStore((s) => expirePayments(s, values['older-than-days'])));
      return;
    case 'callbacks review':
      print(await withStore((s) => reviewCallback(s, arg, values.note, values.actor)));
      return;
    case 'adjustments add':
      print(
        await withStore((s) =>
          addAdjustment(s, {
            customerId: values['customer-id'],
            amount: values.amount,
            reason: values.reason,
            idempotencyKey: values['idempotency-key'],
            callbackId: values['callback-id'],
            paymentId: values['payment-id'],
            actor: values.actor,
          }),
        ),
      );
      return;
    case 'audit list':
      await withStore(printEach(listAuditLog));
      return;
    case 'jobs list': {
      const { lines, failed } = await withStore(listJobRuns);
      lines.forEach(print);
      if (failed.length > 0) {
        process.stderr.write(`failed at its last run: ${failed.join(', ')} (each one's error is in its line)\n`);
        process.exitCode = 1;
      }
      return;
    }
    case 'callbacks list':
      if (values.rejected) {
        if (values['payment-id'] !== undefined || values.flagged)
          throw new CliError('callbacks list: --rejected takes no other filter (a rejected callback is tied to no payment)');
        await withStore(printEach(listRejectedCallbacks));
        return;
      }
      await withStore(printEach((s) => listCallbacks(s, { paymentId: values['payment-id'], flagged: values.flagged })));
      return;
    case 'simulate': {
      const usage = `usage: simulate --url BASE --project ID [--secret KEY] --customer-id C --amount N [--status success|decline] [--duplicates K] [--bad-signature] (the secret from ${SECRET_VARIABLE} when --secret is not given)`;
      const { url, project, amount } = values;
      const secret = secretOf(values.secret);
      const customerId = values['customer-id'];
      if (!url || !project || !secret || !customerId || !amount) throw new CliError(usage);
      const status = values.status ?? 'success';
      if (status !== 'success' && status !== 'decline') throw new CliError(`--status must be success or decline\n${usage}`);
      const numbers = {
        project: wholeNumber(project, '--project', usage),
        amount: wholeNumber(amount, '--amount', usage),
        duplicates: wholeNumber(values.duplicates ?? '0', '--duplicates', usage),
      };
      if (numbers.duplicates < 0) throw new CliError(`--duplicates takes a whole number of 0 or more\n${usage}`);
      process.exitCode = await simulate({
        url,
        secret,
        customerId,
        status,
        badSignature: values['bad-signature'] ?? false,
        ...numbers,
        out: (line) => process.stdout.write(`${line}\n`),
      });
      return;
    }
    case 'admin-token create': {
      const usage = 'usage: admin-token create --name NAME --role viewer|operator';
      const { name, role } = values;
      if (!name || (role !== 'viewer' && role !== 'operator')) throw new CliError(usage);
      try {
        const { token, entry } = newAdminToken(name, role satisfies AdminRole);
        print({ name, role, token, admin_tokens_entry: entry });
        process.stderr.write('The token is shown once: give it to its holder. Merge admin_tokens_entry into ADMIN_TOKENS.\n');
      } catch (error) {
        if (error instanceof AdminTokenError) throw new CliError(`${error.message}\n${usage}`);
        throw error;
      }
      return;
    }
    case 'backup': {
      const report = await backupCommand(loadCliDatabaseConfig().databaseUrl, values.to);
      print(report);
      reportCopyChecked(report, "the copy's", 'its ledger was not checked; run `cli ledger check` on it once restored and migrated');
      return;
    }
    case 'restore': {
      const report = await restoreCommand(loadCliDatabaseConfig().databaseUrl, values.from);
      print(report);
      reportCopyChecked(report, "the backup's", 'the service migrates it on start; run `cli ledger check` then');
      return;
    }
    case 'ledger export': {
      const { period, format } = ledgerExportPeriod(values);
      const totals = new LedgerExportTotals(period);
      await withStore(writeEach((s) => ledgerExport(s, format, totals)));
      if (!readerGone) process.stderr.write(`${totals.text()}\n`);
      return;
    }
    case 'ledger check': {
      const check = await withStore(ledgerCheckCommand);
      print(check);
      reportBroken(check);
      return;
    }
    case 'migrate': {
      const store = await openCliStore();
      try {
        const pending = await store.pendingMigrations();
        await store.migrate();
        process.stderr.write(
          pending.length > 0 ? `migrations applied: ${pending.join(', ')}\n` : 'the schema is current: nothing to apply\n',
        );
      } finally {
        await store.close();
      }
      return;
    }
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
