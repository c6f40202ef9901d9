// npm run bench:profile -- --op verify|check_deposit|callback [--duration S] [--out DIR]
// Runs one operation against a service started with --cpu-prof and prints where its time goes.
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
import { summarise } from './profile-summary.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';
import { startArguments } from './start-arguments.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { op: { type: 'string', default: 'verify' }, duration: { type: 'string', default: '5' }, out: { type: 'string' } } });
const op = values.op!;
const duration = Number(values.duration);
const work = mkdtempSync(path.join(tmpdir(), 'kassa24-prof-'));
const outDir = values.out ? path.resolve(values.out) : path.join(work, 'profiles');
mkdirSync(outDir, { recursive: true });

execFileSync('npm', ['run', '--silent', 'build', '--', '--readable'], { cwd: root, stdio: 'inherit' });
const url = `sqlite:${path.join(work, 'p.db')}`;
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
      : once(Array.from({ length: payments }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i)), 'callbacks');

const service = await startBenchService(['--cpu-prof', '--cpu-prof-dir', outDir, ...startArguments(root)], url);
const result = await runLoad({
  url: `http://127.0.0.1:${service.port}`,
  path: op === 'callback' ? '/callback' : '/terminal',
  bodies,
  check: op === 'verify' ? verified : op === 'check_deposit' ? depositIssued : credited,
  connections: 50,
  durationSeconds: duration,
});
await service.stop();
console.log(`${op}: ${result.rps} req/s, p99 ${result.p99_ms} ms, errors ${result.errors}; profiles in ${outDir}`);
// One profile per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, the main thread is 0;
// then the SQLite writer thread and its checkpointer, in the order they started.
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
