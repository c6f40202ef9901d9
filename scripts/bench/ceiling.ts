// npm run bench:ceiling [-- --duration 10 --rounds 5 --warmup 2 --accounts 10000 --connections 50]
// How far could a callback go on this machine, on this stack? The callback target is a ratio to the
// Koa echo, and what it leaves the ledger's writes depends on the machine: on a fast CPU, HTTP,
// routing, the contract and the signature take most of it. This builds the service again with part
// of a callback's work taken away (ceiling-variants.ts: the payment read and one ledger row only; no
// SQL; no store at all), starts each on its own copy of one seeded database, and loads them — the
// service as built among them — in turns with the Koa echo as the bench does: each variant's ratio
// to the echo by round, and what a callback cost the whole machine. What no build here reaches, no
// arrangement of the same work will (bench/README.md, session 16).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { openStore } from '../../src/store/open-store.js';
import { serviceBundle } from '../service-bundle.js';
import { callbackBody, cycling, once, PREPARED_CALLBACKS_PER_SECOND, verifyBody, type BodySource } from './bodies.js';
import { CEILING_VARIANTS, replacing, type CeilingVariant } from './ceiling-variants.js';
import { startBenchService, startEchoServer, type Child } from './children.js';
import { machineBetween, machineCost, machineSample, type MachineSample } from './cpu.js';
import { credited, echoCheck, runLoad, type LoadResult } from './load.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';
import { combine, ratioByRound } from './slices.js';
import { startArguments } from './start-arguments.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    accounts: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const accounts = Number(values.accounts);
const connections = Number(values.connections);
if (!(duration > 0) || !(warmup >= 0) || !(connections > 0) || !(Number.isSafeInteger(rounds) && rounds > 0) || !(Number.isSafeInteger(accounts) && accounts > 0)) {
  throw new Error('--duration, --rounds, --accounts and --connections take positive numbers (rounds and accounts whole), --warmup zero or more');
}
const sliceSeconds = duration / rounds;
const WIDTH = 64;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Target {
  label: string;
  url: string;
  path: string;
  bodies: BodySource;
  check: (status: number, body: string) => boolean;
  slices: LoadResult[];
  machine: MachineSample[];
}

async function measure(target: Target, seconds: number, keep: boolean): Promise<void> {
  const before = machineSample();
  const result = await runLoad({ url: target.url, path: target.path, bodies: target.bodies, check: target.check, connections, durationSeconds: seconds });
  const spent = machineBetween(before, machineSample());
  if (!keep) return;
  target.slices.push(result);
  if (spent) target.machine.push(spent);
}

function row(target: Target, koa: Target): string {
  const all = combine(target.slices, sliceSeconds);
  const machine =
    target.machine.length === target.slices.length
      ? machineCost({ busyUs: target.machine.reduce((s, m) => s + m.busyUs, 0), totalUs: target.machine.reduce((s, m) => s + m.totalUs, 0) }, all.requests)
      : undefined;
  const ratio = target === koa ? '1.00' : ratioByRound(target.slices, koa.slices).toFixed(2);
  return [
    target.label.padEnd(WIDTH),
    String(all.rps).padStart(7),
    String(all.p99_ms).padStart(7),
    String(all.errors).padStart(7),
    ratio.padStart(6),
    (machine ? machine.machine.toFixed(1) : '').padStart(8),
    (machine ? `${Math.round(machine.machine_busy * 100)}%` : '').padStart(6),
  ].join('');
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'kassa24-ceiling-'));
  const bundles = path.join(root, 'node_modules', '.cache', 'kassa24-bench-ceiling');
  const children: Child[] = [];
  try {
    log(`building ${CEILING_VARIANTS.length} variants of the service`);
    const mainOf = new Map<CeilingVariant, string>();
    for (const variant of CEILING_VARIANTS) {
      const outdir = path.join(bundles, variant.name);
      rmSync(outdir, { recursive: true, force: true });
      mkdirSync(outdir, { recursive: true });
      await build(serviceBundle(root, outdir, { plugins: [replacing(root, variant.replacements)] }));
      mainOf.set(variant, path.join(outdir, 'main.js'));
    }

    const callbackPayments = Math.ceil((warmup + duration) * PREPARED_CALLBACKS_PER_SECOND);
    log(`seeding: ${accounts} accounts, ${callbackPayments} pending payments`);
    const template = path.join(work, 'template.db');
    const store = await openStore(`sqlite:${template}`);
    await store.migrate();
    await store.close();
    await seed(`sqlite:${template}`, accounts, callbackPayments);
    const signer = { projectId: BENCH_PROJECT, secret: BENCH_SECRET };
    log('preparing signed callbacks');
    const prepared = Array.from({ length: callbackPayments }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i));

    log('starting the Koa echo and the variants');
    const flags = startArguments(root).filter((arg) => arg.startsWith('-'));
    const koaChild = await startEchoServer('koa');
    children.push(koaChild);
    const koa: Target = { label: 'koa echo', url: `http://127.0.0.1:${koaChild.port}`, path: '/', bodies: cycling([verifyBody(signer, accountId(1))]), check: echoCheck, slices: [], machine: [] };
    const variants: Target[] = [];
    for (const variant of CEILING_VARIANTS) {
      const file = path.join(work, `${variant.name}.db`);
      copyFileSync(template, file);
      const child = await startBenchService([...flags, mainOf.get(variant)!], `sqlite:${file}`, { NODE_ENV: 'production' });
      children.push(child);
      variants.push({ label: `${variant.name}: ${variant.does}`, url: `http://127.0.0.1:${child.port}`, path: '/callback', bodies: variant.writes ? once(prepared, 'callbacks') : cycling(prepared), check: credited, slices: [], machine: [] });
    }

    if (warmup > 0) {
      log(`warming up, ${warmup} s each`);
      for (const target of [koa, ...variants]) await measure(target, warmup, false);
    }
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}: the Koa echo, then each variant (${sliceSeconds} s each)`);
      await measure(koa, sliceSeconds, true);
      // Who goes first rotates, so that no variant always runs right after the echo.
      for (let i = 0; i < variants.length; i++) await measure(variants[(i + round - 1) % variants.length]!, sliceSeconds, true);
    }

    const header = ['callback, built with'.padEnd(WIDTH), 'req/s'.padStart(7), 'p99 ms'.padStart(7), 'errors'.padStart(7), '× koa'.padStart(6), 'mach µs'.padStart(8), 'busy'.padStart(6)].join('');
    process.stdout.write(
      [
        header,
        row(koa, koa),
        ...variants.map((v) => row(v, koa)),
        '',
        `× koa: median over the rounds of each round's ratio to the Koa echo measured in the same round (${connections} connections, ${accounts} accounts)`,
        'mach µs: busy time of the whole machine per request (every core, kernel included); busy: share of the cores busy meanwhile',
      ].join('\n') + '\n',
    );
    const errors = [koa, ...variants].reduce((sum, t) => sum + t.slices.reduce((n, s) => n + s.errors, 0), 0);
    if (errors > 0) {
      process.stderr.write(`${errors} wrong or failed answers\n`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ceiling failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
