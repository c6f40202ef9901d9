// npm run bench:count [-- --callbacks N --batch B]
// Instructions, not seconds. This machine's speed moves by tens of percent within a minute, so a
// change worth a few percent cannot be told from noise by timing, even in turns (bench:ab). Valgrind
// (callgrind) counts the instructions a program executes, the same on every run to about 1%, whatever
// else the machine does. Two paths are counted, each as its own small program run twice — once
// doing the work, once only loading — the difference divided by the work done:
//   - reading a callback body for its signature (JSON.parse, decodeForSigning, checkSignature), the main thread's
//     largest part of its own;
//   - the writer's share of a callback: applyCallback through the real GroupCommitter on the writer's
//     connection, batches of --batch (25, about what the bench's 50 connections make), on a copy of
//     a seeded database.
// Run it before and after a change (git stash) and compare. Valgrind's CPU has no SHA extensions:
// SHA-256's share is overstated against a CPU that has them; everything else counts as it runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { openStore } from '../../src/store/open-store.js';
import type { CallbackToApply } from '../../src/store/sqlite/write-operations.js';
import { callbackBody } from './bodies.js';
import { BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { callbacks: { type: 'string', default: '4000' }, batch: { type: 'string', default: '25' } } });
const count = Number(values.callbacks);
const batch = Number(values.batch);
if (!(Number.isSafeInteger(count) && count > 0 && Number.isSafeInteger(batch) && batch > 0))
  throw new Error('--callbacks and --batch take positive whole numbers');
// The signature check is far cheaper per body than a write: fewer bodies, several passes.
const SIGNED_BODIES = Math.min(count, 2000);
const PASSES = 5;

if (spawnSync('valgrind', ['--version']).error) {
  console.error('bench:count needs valgrind (Debian: apt-get install valgrind)');
  process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'kassa24-count-'));
// Beside node_modules, so that the bundles find better-sqlite3 (kept outside them: a native addon).
const bundles = path.join(root, 'node_modules', '.cache', 'kassa24-bench-count');
try {
  console.log(`preparing ${count} signed callbacks and a database with their payments`);
  const signer = { projectId: BENCH_PROJECT, secret: BENCH_SECRET };
  const bodies = Array.from({ length: count }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i));
  const callbacks: CallbackToApply[] = bodies.map((rawBody, i) => ({
    facts: { projectId: BENCH_PROJECT, paymentId: callbackPaymentId(i), status: 'success', amount: 10000, currency: 'KZT' },
    rawBody,
    headers: { 'remote-address': '127.0.0.1', 'content-type': 'application/json' },
    receivedAt: '2026-01-01T00:00:00.000Z',
  }));
  const bodiesFile = path.join(work, 'bodies.json');
  const callbacksFile = path.join(work, 'callbacks.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies.slice(0, SIGNED_BODIES)));
  writeFileSync(callbacksFile, JSON.stringify(callbacks));
  const template = path.join(work, 'template.db');
  const store = await openStore(`sqlite:${template}`);
  await store.migrate();
  await store.close();
  await seed(`sqlite:${template}`, 10_000, count);

  mkdirSync(bundles, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['scripts/bench/count/signature-harness.ts', 'scripts/bench/count/writer-harness.ts'],
    outdir: bundles,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });

  /** Instructions executed by `node <args>` under callgrind. */
  const instructions = (args: string[]): number => {
    // --single-threaded: no V8 helper threads, whose share of the work varies from run to run.
    const run = spawnSync(
      'valgrind',
      ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...args],
      { encoding: 'utf8' },
    );
    const collected = /Collected : (\d+)/.exec(run.stderr);
    if (run.status !== 0 || !collected) throw new Error(`valgrind node ${args.join(' ')} failed:\n${run.stderr.slice(-2000)}`);
    return Number(collected[1]);
  };
  const writerRun = (n: number): number => {
    const database = path.join(work, 'writer.db');
    copyFileSync(template, database);
    rmSync(`${database}-wal`, { force: true });
    rmSync(`${database}-shm`, { force: true });
    return instructions([path.join(bundles, 'writer-harness.js'), database, callbacksFile, String(n), String(batch)]);
  };

  console.log('counting (valgrind runs each program about fifty times slower; a few minutes)');
  const signatureHarness = path.join(bundles, 'signature-harness.js');
  const signature =
    (instructions([signatureHarness, bodiesFile, BENCH_SECRET, String(PASSES)]) -
      instructions([signatureHarness, bodiesFile, BENCH_SECRET, '0'])) /
    (PASSES * SIGNED_BODIES);
  const writer = (writerRun(count) - writerRun(0)) / count;
  const k = (n: number) => `${(n / 1000).toFixed(1)}k`;
  console.log(
    `callback body parsed and its signature checked:          ${k(signature)} instructions (${SIGNED_BODIES} bodies × ${PASSES})`,
  );
  console.log(`writer's share of a callback (batches of ${batch}):              ${k(writer)} instructions (${count} callbacks)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
