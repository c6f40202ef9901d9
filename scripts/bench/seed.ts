// Fills a fresh database for the benchmark: N accounts, N settled payments, and the pending
// payments the callback phase will settle. One SQL text for both backends (recursive CTEs).
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

export const BENCH_PROJECT = 4242;
export const BENCH_SECRET = 'bench-secret';
export const accountId = (i: number) => `bench-acc-${i}`;
export const callbackPaymentId = (i: number) => `bench-cb-${i}`;

const NOW = '2026-01-01T00:00:00.000Z';
// Callbacks settle payments in the order they were seeded; consecutive payments belong to accounts
// this far apart, as a merchant's customers pay in no particular order: a batch of credits then
// changes as many account pages as it would in service, not one page of neighbours. A prime that
// divides no power of ten spreads them over every account; small enough that PostgreSQL's 32-bit
// arithmetic holds it times a million accounts.
const CUSTOMER_STRIDE = 1009;

function seedSql(accounts: number, callbackPayments: number): string[] {
  const series = (n: number) => `with recursive g(i) as (select 1 union all select i + 1 from g where i < ${n})`;
  return [
    `${series(accounts)} insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
       select 'bench-acc-' || i, 'KZT', 0, 'active', null, '${NOW}', '${NOW}' from g`,
    `${series(accounts)} insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
       select 'bench-old-' || i, ${BENCH_PROJECT}, 'bench-acc-' || i, 1000, 'KZT', 'failed', 'decline', '${NOW}', '${NOW}' from g`,
    `${series(callbackPayments)} insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
       select 'bench-cb-' || (i - 1), ${BENCH_PROJECT}, 'bench-acc-' || (((((i - 1) % ${accounts}) * ${CUSTOMER_STRIDE}) % ${accounts}) + 1), 10000, 'KZT', 'pending', null, '${NOW}', '${NOW}' from g`,
  ];
}

export async function seed(databaseUrl: string, accounts: number, callbackPayments: number): Promise<void> {
  const statements = seedSql(accounts, callbackPayments);
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new BetterSqlite3(databaseUrl.slice('sqlite:'.length));
    db.transaction(() => statements.forEach((s) => db.exec(s)))();
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    for (const statement of statements) await client.query(statement);
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** Commits per second of one-row transactions with synchronous=FULL, no HTTP: the disk's pace. */
export function sqliteDurableCommitsPerSecond(file: string, seconds = 3): number {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table if not exists commits (id integer primary key, value text not null)');
  const insert = db.prepare('insert into commits (value) values (?)');
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  while (performance.now() < until) {
    insert.run('x'.repeat(200));
    count++;
  }
  const rate = count / ((performance.now() - started) / 1000);
  db.close();
  return Math.round(rate);
}

/**
 * PostgreSQL's own pace, the reference of the service on it: one-row INSERT transactions committed
 * a second by `clients` connections at once (the service's pool size), nothing else.
 */
export async function postgresCommitsPerSecond(databaseUrl: string, clients: number, seconds = 3): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: clients });
  try {
    await pool.query('create table if not exists bench_commits (id bigserial primary key, value text not null)');
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    let count = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          await pool.query('insert into bench_commits (value) values ($1)', ['commit']);
          count++;
        }
      }),
    );
    return count / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}
