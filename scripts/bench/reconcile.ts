// npm run bench -- --reconcile [--operations 1000000] [--other-project]: `cli reconcile` of a day on
// a Dashboard CSV of that many operations against a SQLite ledger holding as many payments and a few
// more (planted discrepancies both ways), run as the README says to run it on a large report: the
// built command, dist/service/cli.js. With --other-project the report is another project's (no
// payment of it issued here): every operation and every credit of the day is a discrepancy. Reports
// operations a second (wall time of the whole command) and the command's peak RSS (VmHWM, read from
// /proc while it runs); writes bench/reconcile-results.json.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';

const PLANTED = 10;
const DAY = '2026-12-01';

/** The id of payment `i`, shaped as the service issues them (a UUID's 36 characters). */
const paymentId = (i: number): string => `${i.toString(16).padStart(8, '0')}-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
const paymentIdSql = (i: string): string => `printf('%08x-0000-7000-8000-%012x', ${i}, ${i})`;

async function seedLedger(file: string, operations: number): Promise<void> {
  const store = await openStore(`sqlite:${file}`);
  await store.migrate();
  await store.close();
  const db = new BetterSqlite3(file);
  const series = (n: number) => `with recursive g(i) as (select 1 union all select i + 1 from g where i < ${n})`;
  db.transaction(() => {
    db.exec(`${series(10000)} insert into accounts (customer_id, currency, balance, status, additional_customer_id, created_at, updated_at)
      select 'rec-acc-' || i, 'KZT', 0, 'active', null, '${DAY}T00:00:00.000Z', '${DAY}T00:00:00.000Z' from g`);
    // Every payment settled, but the first few: those the report will show as missing here. The last
    // few are not in the report: missing there.
    db.exec(`${series(operations + PLANTED)} insert into payments (payment_id, project_id, customer_id, amount, currency, status, last_callback_status, created_at, updated_at)
      select ${paymentIdSql('i')}, 1234, 'rec-acc-' || ((i % 10000) + 1), 10000, 'KZT', case when i <= ${PLANTED} then 'pending' else 'success' end,
        null, '${DAY}T10:00:00.000Z', '${DAY}T10:00:00.000Z' from g`);
  })();
  db.close();
}

/** The operations' payment ids: this ledger's, or (another project's report) ids never issued here. */
async function writeReport(file: string, operations: number, otherProject: boolean): Promise<void> {
  const offset = otherProject ? operations + PLANTED : 0;
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('\uFEFFpayment_id;operation_type;operation_status;operation_sum_amount;operation_sum_currency\r\n');
  let chunk = '';
  for (let i = 1; i <= operations; i++) {
    chunk += `${paymentId(i + offset)};sale;success;100,00;KZT\r\n`;
    if (i % 10000 === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'close');
}

/** Runs the command, reading its peak resident memory from /proc while it runs. */
async function measured(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; peakRssMb: number; lines: number; lastLine: string; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  // A line per discrepancy: counted, and only the last (the summary) kept.
  let lines = 0;
  let lastLine = '';
  let tail = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (tail + chunk).split('\n');
    tail = parts.pop()!;
    lines += parts.length;
    if (parts.length > 0) lastLine = parts.at(-1)!;
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8')
      .then((status) => {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      })
      .catch(() => undefined);
  }, 50);
  // 'close': the command has exited and its output is read to the end.
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(poll);
  if (tail) [lines, lastLine] = [lines + 1, tail];
  return { seconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024, lines, lastLine, code };
}

export async function benchReconcile(root: string, operations: number, otherProject: boolean, output: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kassa24-bench-reconcile-'));
  try {
    const database = path.join(dir, 'ledger.db');
    const report = path.join(dir, 'report.csv');
    const whose = otherProject ? "another project's " : '';
    console.log(`seeding sqlite: ${operations} payments; writing ${whose}CSV report of ${operations} operations`);
    await Promise.all([seedLedger(database, operations), writeReport(report, operations, otherProject)]);
    console.log('building (npm run build)…');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });
    const args = ['reconcile', '--file', report, '--from', DAY, '--to', DAY];
    console.log(`running: node dist/service/cli.js ${args.join(' ').replace(report, 'report.csv')}`);
    const run = await measured([path.join(root, 'dist', 'service', 'cli.js'), ...args], {
      DATABASE_URL: `sqlite:${database}`,
    });
    const summary = (JSON.parse(run.lastLine) as { summary: Record<string, number> }).summary;
    // Another project's report: every operation unknown here, every credit of the day missing there.
    const expected = otherProject
      ? { missing_here: 0, missing_there: operations, unknown_payment: operations }
      : { missing_here: PLANTED, missing_there: PLANTED, unknown_payment: 0 };
    const found = expected.missing_here + expected.missing_there + expected.unknown_payment;
    const right = Object.entries(expected).every(([kind, n]) => summary[kind] === n);
    if (summary.compared !== operations || !right || run.lines !== found + 1) {
      throw new Error(`reconcile answered wrongly: ${run.lastLine} (${run.lines} lines, exit ${run.code})`);
    }
    const perSecond = Math.round(operations / run.seconds);
    const results = {
      operations,
      other_project: otherProject,
      seconds: Math.round(run.seconds * 100) / 100,
      operations_per_s: perSecond,
      peak_rss_mb: Math.round(run.peakRssMb * 10) / 10,
      summary,
    };
    console.log(`reconciled ${operations} operations in ${results.seconds} s: ${perSecond} a second; peak RSS ${results.peak_rss_mb} MB`);
    await writeFile(output, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written: ${path.relative(root, output)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
