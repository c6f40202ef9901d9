// npm run bench [-- --duration S] [--accounts N] [--db sqlite|postgres] [--connections C]
// References (node:http and Koa JSON echo, the disk's durable-commit pace), then the real service
// (built, started as `npm start` would) under verify, check_deposit and callback, every answer
// checked. Prints a table and writes bench/results.json; any wrong answer exits non-zero.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { signValue } from '../src/protocol/signature/signature.js';
import { openStore } from '../src/store/open-store.js';
import { startChild, type Child } from './bench/children.js';
import { echoCheck, runLoad, type LoadResult } from './bench/load.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed, sqliteDurableCommitsPerSecond } from './bench/seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    accounts: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    output: { type: 'string', default: path.join(root, 'bench', 'results.json') },
  },
});
const duration = Number(values.duration);
const accounts = Number(values.accounts);
const connections = Number(values.connections);
if (!(duration > 0) || !(accounts > 0) || !(connections > 0)) throw new Error('--duration, --accounts and --connections take positive numbers');
if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db is sqlite or postgres');

const log = (line: string) => process.stderr.write(`${line}\n`);
const workDir = mkdtempSync(path.join(tmpdir(), 'kassa24-bench-'));

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (values.db === 'sqlite') return { url: `sqlite:${path.join(workDir, 'bench.db')}`, drop: async () => undefined };
  const base = values['database-url'] ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `k24_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => admin(`drop schema ${schema} cascade`) };
}

async function echoReference(kind: 'node_http' | 'koa'): Promise<{ rps: number; p99_ms: number }> {
  const child = await startChild(['--import', 'tsx', path.join(root, 'scripts/bench/echo-server.ts'), kind], {}, (out) => {
    const match = /^(\d+)\n/.exec(out);
    return match ? Number(match[1]) : undefined;
  });
  try {
    const body = JSON.stringify(signed({ type: 'verify', customer_id: accountId(1), project_id: BENCH_PROJECT }));
    const url = `http://127.0.0.1:${child.port}`;
    await runLoad({ url, path: '/', bodies: [body], cycle: true, check: echoCheck, connections, durationSeconds: 1 });
    const result = await runLoad({ url, path: '/', bodies: [body], cycle: true, check: echoCheck, connections, durationSeconds: duration });
    return { rps: result.rps, p99_ms: result.p99_ms };
  } finally {
    await child.stop();
  }
}

function signed<T extends object>(body: T): T & { signature: string } {
  return { ...body, signature: signValue(body, BENCH_SECRET) };
}

function random(n: number): number {
  return 1 + Math.floor(Math.random() * n);
}

async function main() {
  log(`building (npm run build)…`);
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });

  log('references: node:http echo, Koa echo, SQLite durable commits');
  const nodeHttp = await echoReference('node_http');
  const koa = await echoReference('koa');
  const commits = sqliteDurableCommitsPerSecond(path.join(workDir, 'commits.db'));

  // Enough pending payments for the callback phase even at several times the target rate.
  const callbackPayments = Math.max(100_000, duration * 20_000);
  const database = await freshDatabase();
  log(`seeding ${values.db}: ${accounts} accounts, ${accounts} payments, ${callbackPayments} pending payments`);
  const store = await openStore(database.url);
  await store.migrate();
  await store.close();
  await seed(database.url, accounts, callbackPayments);

  log('preparing signed bodies');
  const verifyBodies = Array.from({ length: 5000 }, () => JSON.stringify(signed({ type: 'verify', customer_id: accountId(random(accounts)), project_id: BENCH_PROJECT })));
  const depositBodies = Array.from({ length: 5000 }, () =>
    JSON.stringify(
      signed({ type: 'check_deposit', project_id: BENCH_PROJECT, customer_id: accountId(random(accounts)), amount: 10000, currency: 'KZT', payment_method: 'kassa24_bvu' }),
    ),
  );
  const callbackBodies = Array.from({ length: callbackPayments }, (_, i) =>
    JSON.stringify(
      signed({
        project_id: BENCH_PROJECT,
        payment: { id: callbackPaymentId(i), type: 'purchase', status: 'success', date: '2026-01-01T00:00:00+0000', method: 'kassa24_bvu', sum: { amount: 10000, currency: 'KZT' }, description: '' },
        account: { number: '123456' },
        customer: { id: 'customer' },
        operation: {
          id: 1_000_000 + i,
          type: 'sale',
          status: 'success',
          date: '2026-01-01T00:00:00+0000',
          created_date: '2026-01-01T00:00:00+0000',
          request_id: randomBytes(32).toString('hex'),
          sum_initial: { amount: 10000, currency: 'KZT' },
          sum_converted: { amount: 10000, currency: 'KZT' },
          code: '0',
          message: 'Success',
          provider: { id: 12345, payment_id: `p-${i}`, auth_code: '' },
        },
      }),
    ),
  );

  log('starting the service');
  const service: Child = await startChild(
    [path.join(root, 'dist/src/main.js')],
    { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ [BENCH_PROJECT]: BENCH_SECRET }), HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production' },
    (out) => {
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
      return match ? Number(match[1]) : undefined;
    },
  );
  const url = `http://127.0.0.1:${service.port}`;
  const ok = (status: number, body: string, test: (answer: Record<string, unknown>) => boolean) => {
    if (status !== 200) return false;
    try {
      return test(JSON.parse(body));
    } catch {
      return false;
    }
  };
  const results: Record<string, LoadResult> = {};
  let rssMb = 0;
  try {
    await runLoad({ url, path: '/terminal', bodies: verifyBodies, cycle: true, check: () => true, connections, durationSeconds: 2 });
    log('verify');
    results.verify = await runLoad({ url, path: '/terminal', bodies: verifyBodies, cycle: true, connections, durationSeconds: duration,
      check: (s, b) => ok(s, b, (a) => a.code === 0 && a.currency === 'KZT') });
    log('check_deposit');
    results.check_deposit = await runLoad({ url, path: '/terminal', bodies: depositBodies, cycle: true, connections, durationSeconds: duration,
      check: (s, b) => ok(s, b, (a) => a.code === 0 && typeof a.payment_id === 'string') });
    log('callback');
    results.callback = await runLoad({ url, path: '/callback', bodies: callbackBodies, cycle: false, connections, durationSeconds: duration,
      check: (s, b) => ok(s, b, (a) => a.code === 0 && a.result === 'credited') });
  } finally {
    rssMb = service.peakRssMb();
    await service.stop();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }

  const report = {
    db: values.db,
    accounts,
    duration_s: duration,
    connections,
    references: { node_http: nodeHttp, koa, sqlite_durable_commits_per_s: commits },
    service: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors }])),
    startup_ms: service.startupMs,
    rss_mb: rssMb,
  };
  mkdirSync(path.dirname(values.output!), { recursive: true });
  writeFileSync(values.output!, `${JSON.stringify(report, null, 2)}\n`);

  const row = (name: string, rps: number, p50: number | string, p99: number, errors: number | string) =>
    `${name.padEnd(16)} ${String(rps).padStart(8)} ${String(p50).padStart(7)} ${String(p99).padStart(7)} ${String(errors).padStart(7)} ${(rps / koa.rps).toFixed(2).padStart(8)} ${(rps / commits).toFixed(2).padStart(9)}`;
  const lines = [
    `${'target'.padEnd(16)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'× koa'.padStart(8)} ${'× commit'.padStart(9)}`,
    row('node:http echo', nodeHttp.rps, '', nodeHttp.p99_ms, ''),
    row('koa echo', koa.rps, '', koa.p99_ms, ''),
    `${'sqlite commits/s'.padEnd(16)} ${String(commits).padStart(8)}`,
    ...Object.entries(results).map(([name, r]) => row(name, r.rps, r.p50_ms, r.p99_ms, r.errors)),
    '',
    `start-up to listening: ${service.startupMs} ms   peak RSS: ${report.rss_mb} MB   db: ${values.db}   accounts: ${accounts}`,
    `written: ${path.relative(process.cwd(), values.output!)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const errors = Object.values(results).reduce((sum, r) => sum + r.errors, 0);
  if (errors > 0) {
    process.stderr.write(`${errors} wrong or failed answers\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
});
