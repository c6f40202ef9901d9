// Every write unit of every store is all-or-nothing by construction: a failure injected right after
// its first statement (which did write) leaves nothing of the unit committed. The units are found,
// not listed: on SQLite every named write operation, on PostgreSQL every transaction a Store call opens.
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type KyselyPlugin, type PluginTransformResultArgs, type QueryResult, type UnknownRow } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackFacts } from '../../src/ledger/model.js';
import { openStore } from '../../src/store/open-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { JobLocks } from '../../src/store/postgres/job-locks.js';
import type { Database } from '../../src/store/schema.js';
import { openSqliteDatabase } from '../../src/store/sqlite/connection.js';
import { GroupCommitter } from '../../src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { statementsOf, type Statements } from '../../src/store/sqlite/statements.js';
import { asStoreError } from '../../src/store/sqlite/store-errors.js';
import { runWrite, writeOperations, type Writer, type WriteName } from '../../src/store/sqlite/write-operations.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/databases.js';
import { storeDigest } from '../support/store-digest.js';

class InjectedFailure extends Error {
  override name = 'InjectedFailure';
}

/** Arms a failure for the next write unit, right after its first statement. */
interface FaultSwitch {
  armed: boolean;
  statements: number;
}

const facts = (paymentId: string, status = 'success', amount = 10000): CallbackFacts => ({
  projectId: 1234,
  paymentId,
  status,
  amount,
  currency: 'KZT',
});
const incoming = (paymentId: string, status = 'success', amount = 10000) => ({
  facts: facts(paymentId, status, amount),
  rawBody: JSON.stringify({ paymentId, status, amount }),
  headers: { 'user-agent': 'test' },
  receivedAt: new Date(),
});

/** Each write a Store makes, with arguments that make it write: what a unit of each kind does. */
function everyWrite(store: Store, { pending, credited, flagged, mismatched }: Seeded): Array<[string, () => Promise<unknown>]> {
  return [
    ['addAccount', () => store.addAccount({ customerId: 'acc-new', currency: 'KZT' })],
    ['ensureAccount', () => store.ensureAccount({ customerId: 'acc-ensured', currency: 'KZT' })],
    ['closeAccount', () => store.closeAccount('acc-1')],
    ['createAccountAsOperator', () => store.createAccountAsOperator({ customerId: 'acc-op', currency: 'KZT', actor: 'op' })],
    ['createAccountAsOperator (refused)', () => store.createAccountAsOperator({ customerId: 'acc-1', currency: 'KZT', actor: 'op' })],
    ['closeAccountAsOperator', () => store.closeAccountAsOperator({ customerId: 'acc-1', actor: 'op' })],
    ['closeAccountAsOperator (refused)', () => store.closeAccountAsOperator({ customerId: 'nobody', actor: 'op' })],
    ['reopenAccountAsOperator', () => store.reopenAccountAsOperator({ customerId: 'acc-closed', actor: 'op' })],
    ['reopenAccountAsOperator (refused)', () => store.reopenAccountAsOperator({ customerId: 'acc-1', actor: 'op' })],
    ['openPayment', () => store.openPayment({ paymentId: 'pay-new', projectId: 1234, customerId: 'acc-1', amount: 500, currency: 'KZT' })],
    ['expirePendingPayments', () => store.expirePendingPayments(new Date(Date.now() + 86_400_000))],
    ['recordStatusCheck', () => store.recordStatusCheck({ paymentId: pending, askedAt: new Date(), outcome: 'still_pending' })],
    [
      'recordJobRun',
      () =>
        store.recordJobRun({
          job: 'a-job',
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          outcome: 'done',
          error: null,
        }),
    ],
    [
      'recordStatusCheck (an operator asked)',
      () =>
        store.recordStatusCheck({
          paymentId: pending,
          askedAt: new Date(),
          outcome: 'still_pending',
          platformStatus: 'processing',
          operator: { actor: 'op', answer: { outcome: 'still_pending' } },
        }),
    ],
    ['applyCallback (credit)', () => store.applyCallback(incoming(pending))],
    ['applyCallback (decline)', () => store.applyCallback(incoming(pending, 'decline'))],
    ['applyCallback (redelivery)', () => store.applyCallback(incoming(credited))],
    ['applyCallback (flagged)', () => store.applyCallback(incoming('never-issued'))],
    [
      'keepRejectedCallback',
      () => store.keepRejectedCallback({ rawBody: '{"payment":{}}', headers: {}, receivedAt: new Date(), reason: 'x' }),
    ],
    [
      'addAdjustment',
      () =>
        store.addAdjustment({ customerId: 'acc-1', amount: -500, reason: 'r', idempotencyKey: 'k-new', callbackId: flagged, actor: 'op' }),
    ],
    [
      'addAdjustment (settles a payment by hand)',
      () =>
        store.addAdjustment({
          customerId: 'acc-1',
          amount: 15000,
          reason: 'r',
          idempotencyKey: 'k-hand',
          callbackId: mismatched,
          actor: 'op',
        }),
    ],
    [
      'addAdjustment (refused)',
      () => store.addAdjustment({ customerId: 'acc-1', amount: -(10 ** 9), reason: 'r', idempotencyKey: 'k-2', actor: 'op' }),
    ],
    ['reviewCallback', () => store.reviewCallback({ callbackId: flagged, note: 'checked', actor: 'op' })],
    [
      'recordReconciliation',
      () =>
        store.recordReconciliation(
          {
            startedAt: '2026-12-01T00:00:00.000Z',
            finishedAt: '2026-12-01T00:00:01.000Z',
            source: 'file:x.csv',
            periodFrom: null,
            periodTo: null,
            applied: false,
            summary: { compared: 1, unknown_payment: 1 },
            discrepancies: 1,
          },
          [{ kind: 'unknown_payment', paymentId: 'p-x', platform: { status: 'success' }, ledger: null, applied: null }],
        ),
    ],
    ['reviewCallback (refused)', () => store.reviewCallback({ callbackId: 10 ** 6, note: 'checked', actor: 'op' })],
  ];
}

interface Seeded {
  pending: string;
  credited: string;
  /** A stored callback flagged for review. */
  flagged: number;
  /** A flagged callback of a payment not credited: an adjustment naming it settles the payment. */
  mismatched: number;
}

/** An account, a closed one, a pending payment, a credited one, a flagged callback: every write has work. */
async function seed(store: Store): Promise<Seeded> {
  await store.addAccount({ customerId: 'acc-1', currency: 'KZT' });
  await store.addAccount({ customerId: 'acc-closed', currency: 'KZT' });
  await store.closeAccount('acc-closed');
  const open = async (paymentId: string) => {
    const opening = await store.openPayment({ paymentId, projectId: 1234, customerId: 'acc-1', amount: 10000, currency: 'KZT' });
    if (!('opened' in opening)) throw new Error('not opened');
  };
  await open('pay-pending');
  await open('pay-credited');
  expect((await store.applyCallback(incoming('pay-credited'))).result).toBe('credited');
  expect((await store.applyCallback(incoming('seed-never-issued'))).result).toBe('flagged');
  const [flagged] = await store.listCallbacks({ flagged: true });
  await open('pay-mismatched');
  expect((await store.applyCallback(incoming('pay-mismatched', 'success', 15000))).result).toBe('flagged');
  const [mismatched] = await store.listCallbacks({ paymentId: 'pay-mismatched' });
  return { pending: 'pay-pending', credited: 'pay-credited', flagged: flagged!.id, mismatched: mismatched!.id };
}

async function expectNothingCommitted(
  write: () => Promise<unknown>,
  fault: FaultSwitch,
  digest: () => Promise<string> | string,
  name: string,
): Promise<void> {
  const before = await digest();
  fault.armed = true;
  fault.statements = 0;
  await expect(write(), name).rejects.toBeInstanceOf(InjectedFailure);
  expect(fault.statements, `${name}: the first statement ran`).toBe(1);
  expect(await digest(), `${name}: nothing committed`).toBe(before);
}

describe('all-or-nothing write units: SQLite', () => {
  let database: TestDatabase;
  let store: SqliteStore;
  const fault: FaultSwitch = { armed: false, statements: 0 };
  const ran = new Set<WriteName>();

  /** The connection's statements, each failing once a first one has run in an armed unit. */
  function faulty(statements: Statements): Statements {
    return new Proxy(statements, {
      get(target, property, receiver) {
        const statement = Reflect.get(target, property, receiver) as object;
        return new Proxy(statement, {
          get(stmt, method, r) {
            const value = Reflect.get(stmt, method, r) as unknown;
            if (typeof value !== 'function' || !['run', 'get', 'all'].includes(String(method))) return value;
            return (...args: unknown[]) => {
              if (fault.armed && fault.statements >= 1) throw new InjectedFailure('after the first statement');
              const result = (value as (...a: unknown[]) => unknown).apply(stmt, args);
              if (fault.armed) fault.statements++;
              return result;
            };
          },
        });
      },
    });
  }

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    const migrating = await openStore(database.url);
    await migrating.migrate();
    await migrating.close();
    const db = openSqliteDatabase(database.url.slice('sqlite:'.length));
    const statements = statementsOf(db);
    const committer = new GroupCommitter(db, asStoreError);
    // The store's own write path (group commit, the named write operations) on statements that
    // fail after the first one; a unit of a single statement fails as it ends.
    const writer: Writer = {
      run: (name, args) =>
        committer.run(() => {
          ran.add(name);
          const result = runWrite(faulty(statements()), name, args);
          if (fault.armed) throw new InjectedFailure('after its only statement');
          return result;
        }) as never,
      onCommit: () => undefined,
      close: () => committer.drained(),
    };
    store = new SqliteStore(db, writer);
  });
  afterEach(async () => {
    fault.armed = false;
    await store.close();
    await database.drop();
  });

  it('keeps nothing of any write unit that fails after its first statement', async () => {
    const seeded = await seed(store);
    ran.clear();
    for (const [name, write] of everyWrite(store, seeded)) {
      await expectNothingCommitted(write, fault, () => storeDigest(database.url), name);
      fault.armed = false;
    }
    // Every write operation the store has was exercised.
    expect([...ran].sort()).toEqual(Object.keys(writeOperations).sort());
  });
});

describe.runIf(postgresUrl)('all-or-nothing write units: PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let kysely: Kysely<Database>;
  const fault: FaultSwitch = { armed: false, statements: 0 };
  let transactions = 0;

  // Fails every query of an armed unit after its first has run (its result is in hand): the
  // transaction around it must take the first one back.
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: ({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
      if (fault.armed) {
        fault.statements++;
        return Promise.reject(new InjectedFailure('after the first statement'));
      }
      return Promise.resolve(result);
    },
  };

  // The same fault for the platform's operations, which go to the pg pool directly. Their step-by-step
  // transactions (a client of the pool): every statement of an armed unit fails once it has run; a
  // transaction is counted at its BEGIN. Their one-statement writes (`pool.query`) are a transaction
  // each: the fault fires inside the database, at the statement's commit, once its every step ran —
  // a deferred trigger on every table (installed below) raises on a connection armed for it. Armed
  // `stale`, it raises what a changed row raises instead, and the unit falls back to its
  // step-by-step transaction, which then meets the first fault.
  let commitFault: 'fail' | 'stale' = 'fail';
  const CONTROL = /^(begin|commit|rollback)$/i;
  const ARMED_AT_COMMIT = 'k24 test: injected failure at commit';
  function faultyPool(pool: pg.Pool): pg.Pool {
    const faultyClient = (client: pg.PoolClient): pg.PoolClient =>
      new Proxy(client, {
        get(target, property) {
          if (property === 'query') {
            return async (config: string | pg.QueryConfig, values?: unknown[]) => {
              const text = typeof config === 'string' ? config : config.text;
              if (/^begin$/i.test(text)) transactions++;
              const result = await target.query(config as pg.QueryConfig, values);
              if (fault.armed && !CONTROL.test(text)) {
                fault.statements++;
                throw new InjectedFailure('after the first statement');
              }
              return result;
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    const armedQuery = async (config: pg.QueryConfig): Promise<pg.QueryResult> => {
      const client = await pool.connect();
      try {
        await client.query("select set_config('k24.test_fault', $1, false)", [commitFault]);
        return await client.query(config);
      } catch (error) {
        if (!(error instanceof Error) || error.message !== ARMED_AT_COMMIT) throw error;
        fault.statements++;
        transactions++;
        throw new InjectedFailure('at the commit of its one statement');
      } finally {
        await client.query("select set_config('k24.test_fault', '', false)");
        client.release();
      }
    };
    return new Proxy(pool, {
      get(target, property) {
        if (property === 'connect') return async () => faultyClient(await target.connect());
        if (property === 'query') return (config: pg.QueryConfig) => (fault.armed ? armedQuery(config) : target.query(config));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** A deferred trigger on every table, raising at commit on a connection armed for it. */
  async function installCommitFault(): Promise<void> {
    await sql`
      create function k24_test_fault() returns trigger language plpgsql as $$
      begin
        case current_setting('k24.test_fault', true)
          when 'fail' then raise exception ${sql.lit(ARMED_AT_COMMIT)};
          when 'stale' then raise exception 'k24 test: as if changed since read' using errcode = 'serialization_failure';
          else null;
        end case;
        return null;
      end $$`.execute(kysely);
    const { rows } = await sql<{ table: string }>`
      select table_name as table from information_schema.tables
       where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(kysely);
    for (const { table } of rows) {
      await sql`
        create constraint trigger k24_test_fault after insert or update or delete on ${sql.table(table)}
        deferrable initially deferred for each row execute function k24_test_fault()`.execute(kysely);
    }
  }

  async function digest(): Promise<string> {
    const hash = createHash('sha256');
    for (const table of ['accounts', 'payments', 'callbacks', 'ledger_entries', 'rejected_callbacks'] as const) {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(kysely);
      hash.update(
        `${table}\n${rows
          .map((row) => JSON.stringify(row))
          .sort()
          .join('\n')}\n`,
      );
    }
    return hash.digest('hex');
  }

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const plain = new PostgresStore({
      db: kysely,
      pool,
      locks: new JobLocks({ connectionString: database.url }),
      migrationSession: (work) => work(kysely),
      usage: () => [],
    });
    await plain.migrate();
    await installCommitFault();
    // Count the transactions the store opens, so that a call that wrote outside one would show.
    const withFault = kysely.withPlugin(plugin);
    const transaction = withFault.transaction.bind(withFault);
    withFault.transaction = () => {
      transactions++;
      return transaction();
    };
    store = new PostgresStore({
      db: withFault,
      pool: faultyPool(pool),
      locks: new JobLocks({ connectionString: database.url }),
      migrationSession: (work) => work(withFault),
      usage: () => [],
    });
  });
  afterEach(async () => {
    fault.armed = false;
    await kysely.destroy();
    await database.drop();
  });

  it.each(['fail', 'stale'] as const)(
    'keeps nothing of any write unit that fails after its first statement (one-statement writes: %s)',
    async (mode) => {
      commitFault = mode;
      const seeded = await seed(store);
      for (const [name, write] of everyWrite(store, seeded)) {
        const opened = transactions;
        await expectNothingCommitted(write, fault, digest, name);
        expect(transactions, `${name} ran in a transaction`).toBe(opened + 1);
        fault.armed = false;
      }
    },
  );
});
