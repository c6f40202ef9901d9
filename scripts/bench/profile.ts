// npm run bench:profile -- --op verify|check_deposit|callback [--db sqlite|postgres] [--duration S] [--out DIR] [--perf]
// Runs one operation against a service started with --cpu-prof and prints where its time goes.
// With --perf, Linux perf samples the main thread instead (see perf-record.ts): the native side
// of the same time, V8's builtins and runtime calls included.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/store/open-store.js';
import { startBenchService } from './children.js';
import { callbackBody, checkDepositBody, cycling, once, verifyBody } from './bodies.js';
import { credited, depositIssued, runLoad, verified } from './load.js';
import { perfAvailable, recordThread, summarisePerf } from './perf-record.js';
import { summarise } from './profile-summary.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';
import { databaseKind, freshDatabase } from './fresh-database.js';
import { startArguments } from './start-arguments.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    op: { type: 'string', default: 'verify' },
    duration: { type: 'string', default: '5' },
    out: { type: 'string' },
    perf: { type: 'boolean', default: false },
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
  },
});
const op = values.op;
const db = databaseKind(values.db);
const duration = Number(values.duration);
if (values.perf && !perfAvailable()) {
  console.error('bench:profile --perf needs Linux perf (Debian: apt-get install linux-perf)');
  process.exit(1);
}
if (values.perf && !(duration >= 4)) throw new Error("--perf records from the load's second second to its last: give --duration 4 or more");
const work = mkdtempSync(path.join(tmpdir(), 'kassa24-prof-'));
const outDir = values.out ? path.resolve(values.out) : path.join(work, 'profiles');
mkdirSync(outDir, { recursive: true });

execFileSync('npm', ['run', '--silent', 'build', '--', '--readable'], { cwd: root, stdio: 'inherit' });
const database = await freshDatabase(db, work, values['database-url']);
const { url } = database;
const store = await openStore(url);
await store.migrate();
await store.close();
const payments = 200_000;
await seed(url, 10_000, payments);

const signer = { projectId: BENCH_PROJECT, secret: BENCH_SECRET };
const bodies =
  op === 'verify'
    ? cycling(Array.from({ length: 2000 }, (_, i) => verifyBody(signer, accountId(1 + (i % 10_000)))))
    : op === 'check_deposit'
      ? cycling(Array.from({ length: 2000 }, (_, i) => checkDepositBody(signer, accountId(1 + (i % 10_000)), 10000)))
      : once(
          Array.from({ length: payments }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i)),
          'callbacks',
        );

const profiling = values.perf ? ['--perf-basic-prof'] : ['--cpu-prof', '--cpu-prof-dir', outDir];
const service = await startBenchService([...profiling, ...startArguments(root)], url);
const perfData = path.join(outDir, 'perf.data');
// The process id is its main thread's id. One second in, so that V8 has compiled the hot path.
// A failure is kept until the load is over (a rejection nobody awaits yet would end the process).
const recording = values.perf
  ? new Promise<void>((resolve) => setTimeout(resolve, 1000))
      .then(() => recordThread(service.child.pid!, duration - 2, perfData))
      .then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      )
  : undefined;
const result = await runLoad({
  url: `http://127.0.0.1:${service.port}`,
  path: op === 'callback' ? '/callback' : '/terminal',
  bodies,
  check: op === 'verify' ? verified : op === 'check_deposit' ? depositIssued : credited,
  connections: 50,
  durationSeconds: duration,
});
const perfFailure = await recording;
await service.stop();
await database.drop();
if (perfFailure) throw perfFailure;
console.log(`${op}: ${result.rps} req/s, p99 ${result.p99_ms} ms, errors ${result.errors}; profiles in ${outDir}`);
if (values.perf) {
  console.log(`\n== main thread (perf): ${perfData}`);
  console.log(summarisePerf(perfData, service.child.pid!));
  if (!values.out) rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
// One profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, the main thread is 0;
// on SQLite, then its writer thread and checkpointer, in the order they started.
const THREADS = ['main thread', 'SQLite writer thread', 'checkpointer thread'];
const profiles = readdirSync(outDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => ({ file: f, thread: Number(f.split('.')[4]) }))
  .sort((a, b) => a.thread - b.thread);
for (const { file, thread } of profiles) {
  console.log(`\n== ${THREADS[thread] ?? `thread ${thread}`}: ${file}`);
  console.log(summarise(path.join(outDir, file), thread === 0 ? 25 : 12));
}
if (!values.out) rmSync(work, { recursive: true, force: true });
