// npm run bench:ab -- --save NAME          build the service and keep the bundle as .ab/NAME
// npm run bench:ab -- --a NAME --b NAME [--op verify|check_deposit|callback] [--rounds 6]
//                     [--duration 3] [--warmup 2] [--accounts 2000] [--connections 50]
//                     [--a-node-args="--flag ..."] [--b-node-args="..."]
// Is B faster than A? On this machine one run cannot say: its speed moves by tens of percent within
// a minute, more than most changes are worth. So both services run side by side, each on its own
// SQLite file seeded alike, and are loaded in turns — A, B, A, B — every answer checked; the verdict
// is the rounds each one won and the mean of each side, with CPU time per request from /proc. NAME
// is a bundle saved with --save (before a change, say), or "current" for dist/service as built now;
// node arguments default to npm start's.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/store/open-store.js';
import { callbackBody, checkDepositBody, cycling, once, PREPARED_CALLBACKS_PER_SECOND, verifyBody, type BodySource } from './bodies.js';
import { startBenchService, type Child } from './children.js';
import { cpuBetween, cpuSample } from './cpu.js';
import { credited, depositIssued, runLoad, verified, type LoadResult } from './load.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';
import { startArguments } from './start-arguments.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const saved = (name: string) => path.join(root, '.ab', name);
const { values } = parseArgs({
  options: {
    save: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
    op: { type: 'string', default: 'verify' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    accounts: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '50' },
    'a-node-args': { type: 'string' },
    'b-node-args': { type: 'string' },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);

function build(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}

/** Kept inside the project: the bundle finds better-sqlite3, pg and Kysely in its node_modules. */
function save(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`--save takes a plain name (letters, digits, . _ -), not "${name}"`);
  build();
  rmSync(saved(name), { recursive: true, force: true });
  cpSync(path.join(root, 'dist', 'service'), saved(name), { recursive: true });
  return saved(name);
}

function nodeArgs(bundle: string, given: string | undefined): string[] {
  const start = startArguments(root);
  const flags = given === undefined ? start.filter((arg) => arg.startsWith('-')) : given.split(/\s+/).filter(Boolean);
  return [...flags, path.join(bundle, 'main.js')];
}

interface Side {
  label: 'A' | 'B';
  service: Child;
  bodies: BodySource;
  slices: Array<LoadResult & { processUs?: number; mainThreadUs?: number }>;
  peakRssMb: number;
}

async function main() {
  if (values.save !== undefined) {
    log(`saved: ${path.relative(process.cwd(), save(values.save))}`);
    return;
  }
  if (!values.a || !values.b) throw new Error('give --a NAME and --b NAME (saved with --save NAME, or "current"), or --save NAME');
  const op = values.op;
  const rounds = Number(values.rounds);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const accounts = Number(values.accounts);
  const connections = Number(values.connections);
  if (!['verify', 'check_deposit', 'callback'].includes(op)) throw new Error(`--op is verify, check_deposit or callback, not ${op}`);
  if (
    !(Number.isInteger(rounds) && rounds > 0) ||
    !(duration > 0) ||
    !(warmup >= 0) ||
    !(Number.isInteger(accounts) && accounts > 0) ||
    !(connections > 0)
  ) {
    throw new Error('--rounds, --duration, --accounts and --connections take positive numbers, --warmup zero or more');
  }
  let current: string | undefined;
  const bundles = [values.a, values.b].map((name) => {
    if (name === 'current') return (current ??= save('current'));
    if (!existsSync(path.join(saved(name), 'main.js')))
      throw new Error(`no saved bundle "${name}": save one first with npm run bench:ab -- --save ${name}`);
    return saved(name);
  });

  const signer = { projectId: BENCH_PROJECT, secret: BENCH_SECRET };
  const random = () => accountId(1 + Math.floor(Math.random() * accounts));
  // Both databases hold the same pending payments; each side settles every one of them once.
  const callbackPayments = op === 'callback' ? Math.ceil((warmup + rounds * duration) * PREPARED_CALLBACKS_PER_SECOND) : 0;
  log(`preparing ${op} bodies`);
  const prepared =
    op === 'verify'
      ? Array.from({ length: 5000 }, () => verifyBody(signer, random()))
      : op === 'check_deposit'
        ? Array.from({ length: 5000 }, () => checkDepositBody(signer, random(), 10000))
        : Array.from({ length: callbackPayments }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i));
  const check = op === 'verify' ? verified : op === 'check_deposit' ? depositIssued : credited;
  const path_ = op === 'callback' ? '/callback' : '/terminal';

  const work = mkdtempSync(path.join(tmpdir(), 'kassa24-ab-'));
  const sides: Side[] = [];
  try {
    for (const [i, label] of (['A', 'B'] as const).entries()) {
      const url = `sqlite:${path.join(work, `${label}.db`)}`;
      const store = await openStore(url);
      await store.migrate();
      await store.close();
      await seed(url, accounts, callbackPayments);
      const service = await startBenchService(nodeArgs(bundles[i]!, values[label === 'A' ? 'a-node-args' : 'b-node-args']), url, {
        NODE_ENV: 'production',
      });
      sides.push({ label, service, bodies: op === 'callback' ? once(prepared, 'callbacks') : cycling(prepared), slices: [], peakRssMb: 0 });
    }
    const load = (side: Side, seconds: number) =>
      runLoad({
        url: `http://127.0.0.1:${side.service.port}`,
        path: path_,
        bodies: side.bodies,
        check,
        connections,
        durationSeconds: seconds,
      });
    if (warmup > 0) for (const side of sides) await load(side, warmup);
    for (let round = 1; round <= rounds; round++) {
      // Who goes first alternates, so that neither always runs right after the other's load.
      const order = round % 2 ? sides : [...sides].reverse();
      for (const side of order) {
        const pid = side.service.child.pid!;
        const before = cpuSample(pid);
        const result = await load(side, duration);
        const cpu = cpuBetween(before, cpuSample(pid));
        side.slices.push({
          ...result,
          ...(cpu && { processUs: cpu.processUs / result.requests, mainThreadUs: cpu.mainThreadUs / result.requests }),
        });
      }
      const line = sides.map((s) => describe(s.label, s.slices.at(-1)!)).join('   ');
      process.stdout.write(`round ${round}: ${line}\n`);
    }
  } finally {
    // Read before they stop: /proc forgets a process once it has exited.
    for (const side of sides) side.peakRssMb = side.service.peakRssMb();
    await Promise.all(sides.map((s) => s.service.stop()));
    rmSync(work, { recursive: true, force: true });
  }

  const [a, b] = sides as [Side, Side];
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const won = b.slices.filter((s, i) => s.rps > a.slices[i]!.rps).length;
  const mainOf = (side: Side) =>
    side.slices.every((s) => s.mainThreadUs !== undefined)
      ? `, CPU ${mean(side.slices.map((s) => s.processUs!)).toFixed(1)} µs/request (main thread ${mean(side.slices.map((s) => s.mainThreadUs!)).toFixed(1)})`
      : '';
  process.stdout.write(
    [
      `A (${values.a}): ${Math.round(mean(a.slices.map((s) => s.rps)))} req/s${mainOf(a)}, peak RSS ${a.peakRssMb} MB`,
      `B (${values.b}): ${Math.round(mean(b.slices.map((s) => s.rps)))} req/s${mainOf(b)}, peak RSS ${b.peakRssMb} MB`,
      `B ÷ A: ${(mean(b.slices.map((s) => s.rps)) / mean(a.slices.map((s) => s.rps))).toFixed(3)}; B won ${won} of ${rounds} rounds`,
    ].join('\n') + '\n',
  );
  const errors = sides.reduce((sum, s) => sum + s.slices.reduce((n, r) => n + r.errors, 0), 0);
  if (errors > 0) {
    process.stderr.write(`${errors} wrong or failed answers\n`);
    process.exitCode = 1;
  }
}

function describe(label: string, r: LoadResult & { processUs?: number; mainThreadUs?: number }): string {
  const cpu = r.mainThreadUs === undefined ? '' : ` main ${r.mainThreadUs.toFixed(0)} µs`;
  return `${label} ${String(r.rps).padStart(6)} req/s p99 ${String(r.p99_ms).padStart(3)} ms${cpu}${r.errors ? ` ERRORS ${r.errors}` : ''}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ab failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
