// npm run bench [-- --duration S] [--rounds R] [--accounts N] [--db sqlite|postgres] [--connections C]
// References (node:http and Koa JSON echo, the disk's durable-commit pace) and the real service
// (built, started as `npm start` would) under verify, check_deposit and callback, every answer
// checked. The machine's speed drifts by tens of percent over a minute, so the measurements are
// interleaved: each round measures every target for duration/rounds seconds, and a ratio compares
// figures taken seconds apart. Where /proc can be read, each slice is also charged the CPU time of
// the process serving it, of the load generator and of the whole machine, per request, and the
// share of the cores that was busy. Prints a table and writes
// bench/results.json (bench/results-postgres.json with --db postgres); any wrong answer exits non-zero.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open-store.js';
import {
  callbackBody,
  checkDepositBody,
  cycling,
  once,
  PREPARED_CALLBACKS_PER_SECOND,
  verifyBody,
  type BodySource,
} from './bench/bodies.js';
import { startBenchService, startEchoServer, type Child } from './bench/children.js';
import { cpuBetween, cpuPerRequest, cpuSample, machineBetween, machineSample, type CpuSlice } from './bench/cpu.js';
import { commitTotals, groupCommitFigures, totalsBetween, type CommitTotals } from './bench/group-commit.js';
import { databaseKind, freshDatabase } from './bench/fresh-database.js';
import { startArguments } from './bench/start-arguments.js';
import { credited, depositIssued, echoCheck, runLoad, verified, type LoadResult } from './bench/load.js';
import { combine, median, ratioByRound } from './bench/slices.js';
import {
  accountId,
  BENCH_PROJECT,
  BENCH_SECRET,
  callbackPaymentId,
  postgresCommitsPerSecond,
  seed,
  sqliteDurableCommitsPerSecond,
} from './bench/seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    accounts: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    db: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string' },
    output: { type: 'string' },
    reconcile: { type: 'boolean', default: false },
    operations: { type: 'string', default: '1000000' },
    'other-project': { type: 'boolean', default: false },
    'reconcile-output': { type: 'string', default: path.join(root, 'bench', 'reconcile-results.json') },
  },
});
if (values.reconcile) {
  const { benchReconcile } = await import('./bench/reconcile.js');
  await benchReconcile(root, Number(values.operations), values['other-project'], path.resolve(values['reconcile-output']));
  process.exit(0);
}
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const accounts = Number(values.accounts);
const connections = Number(values.connections);
if (!(duration > 0) || !(accounts > 0) || !(connections > 0) || !(Number.isInteger(rounds) && rounds > 0)) {
  throw new Error('--duration, --rounds, --accounts and --connections take positive numbers');
}
const db = databaseKind(values.db);
// Each database's figures in a file of their own: the README quotes the SQLite run's.
const output = values.output ?? path.join(root, 'bench', db === 'sqlite' ? 'results.json' : 'results-postgres.json');
const slice = duration / rounds;

const log = (line: string) => process.stderr.write(`${line}\n`);
const workDir = mkdtempSync(path.join(tmpdir(), 'kassa24-bench-'));
const signer = { projectId: BENCH_PROJECT, secret: BENCH_SECRET };

const random = (n: number): number => 1 + Math.floor(Math.random() * n);

interface Target {
  name: string;
  /** The process serving it, whose CPU time the slice is charged. */
  server: Child;
  url: () => string;
  path: string;
  bodies: BodySource;
  check: (status: number, body: string) => boolean;
}

async function main() {
  log('building (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });

  // Enough pending payments for the callback phase, its warm-up included.
  const callbackPayments = Math.max(100_000, Math.ceil((duration + 1) * PREPARED_CALLBACKS_PER_SECOND));
  const database = await freshDatabase(db, workDir, values['database-url']);
  log(`seeding ${values.db}: ${accounts} accounts, ${accounts} payments, ${callbackPayments} pending payments`);
  const store = await openStore(database.url);
  await store.migrate();
  await store.close();
  await seed(database.url, accounts, callbackPayments);

  log('preparing signed bodies');
  const verifyBodies = Array.from({ length: 5000 }, () => verifyBody(signer, accountId(random(accounts))));
  const depositBodies = Array.from({ length: 5000 }, () => checkDepositBody(signer, accountId(random(accounts)), 10000));
  const callbackBodies = Array.from({ length: callbackPayments }, (_, i) => callbackBody(signer, callbackPaymentId(i), 10000, i));
  const echoBody = verifyBodies[0]!;

  log('starting the echo servers and the service');
  const nodeHttp = await startEchoServer('node_http');
  const koa = await startEchoServer('koa');
  const startService = () => startBenchService(startArguments(root), database.url, { NODE_ENV: 'production' });
  // Start-up is one short sample, as exposed to the machine's drift as any: the median of five.
  const startups: number[] = [];
  for (let i = 0; i < 5; i++) {
    const probe = await startService();
    startups.push(probe.startupMs);
    await probe.stop();
  }
  const service: Child = await startService();
  const at = (child: Child) => () => `http://127.0.0.1:${child.port}`;
  const targets: Target[] = [
    { name: 'node_http', server: nodeHttp, url: at(nodeHttp), path: '/', bodies: cycling([echoBody]), check: echoCheck },
    { name: 'koa', server: koa, url: at(koa), path: '/', bodies: cycling([echoBody]), check: echoCheck },
    { name: 'verify', server: service, url: at(service), path: '/terminal', bodies: cycling(verifyBodies), check: verified },
    { name: 'check_deposit', server: service, url: at(service), path: '/terminal', bodies: cycling(depositBodies), check: depositIssued },
    { name: 'callback', server: service, url: at(service), path: '/callback', bodies: once(callbackBodies, 'callbacks'), check: credited },
  ];
  const slices = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  const cpuSlices = new Map<string, CpuSlice[]>(targets.map((t) => [t.name, []]));
  const commitSlices: number[] = [];
  // On PostgreSQL, its own commit rate with the service's pool size, measured in the same rounds.
  const postgresCommitSlices: number[] = [];
  const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
  const WRITES = ['check_deposit', 'callback'];
  const groupCommitSlices = new Map<string, Array<CommitTotals | undefined>>(WRITES.map((name) => [name, []]));
  let rssMb: number;
  try {
    // Every target, the writes too: unwarmed, the first round's callbacks ran on unoptimised code
    // and a cold page cache at half the rate of the rounds after (rps_by_round).
    log('warming up');
    for (const target of targets) {
      await runLoad({ url: target.url(), path: target.path, bodies: target.bodies, check: () => true, connections, durationSeconds: 1 });
    }
    for (let round = 1; round <= rounds; round++) {
      log(
        `round ${round}/${rounds}: ${targets.map((t) => t.name).join(', ')}, sqlite commits${values.db === 'postgres' ? ', postgres commits' : ''} (${slice} s each)`,
      );
      for (const target of targets) {
        const pid = target.server.child.pid!;
        const writes = groupCommitSlices.get(target.name);
        const batchesBefore = writes && (await commitTotals(target.url()));
        const before = cpuSample(pid);
        const machineBefore = machineSample();
        const loadBefore = process.cpuUsage();
        slices.get(target.name)!.push(
          await runLoad({
            url: target.url(),
            path: target.path,
            bodies: target.bodies,
            check: target.check,
            connections,
            durationSeconds: slice,
          }),
        );
        const load = process.cpuUsage(loadBefore);
        cpuSlices.get(target.name)!.push({
          server: cpuBetween(before, cpuSample(pid)),
          loadGeneratorUs: load.user + load.system,
          machine: machineBetween(machineBefore, machineSample()),
        });
        if (writes) {
          const batchesAfter = await commitTotals(target.url());
          writes.push(batchesBefore && batchesAfter && totalsBetween(batchesBefore, batchesAfter));
        }
      }
      commitSlices.push(sqliteDurableCommitsPerSecond(path.join(workDir, 'commits.db'), Math.min(slice, 3)));
      if (values.db === 'postgres') postgresCommitSlices.push(await postgresCommitsPerSecond(database.url, poolSize, Math.min(slice, 3)));
    }
  } finally {
    rssMb = service.peakRssMb();
    await Promise.all([service.stop(), nodeHttp.stop(), koa.stop()]);
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }

  const result = (name: string) => combine(slices.get(name)!, slice);
  const commits = Math.round(median(commitSlices));
  const perRound = (name: string, reference: string) => ratioByRound(slices.get(name)!, slices.get(reference)!);
  const service_ = Object.fromEntries(['verify', 'check_deposit', 'callback'].map((name) => [name, result(name)]));
  const cpu = Object.fromEntries(targets.map((t) => [t.name, cpuPerRequest(cpuSlices.get(t.name)!, slices.get(t.name)!)]));
  const groupCommit = Object.fromEntries(WRITES.map((name) => [name, groupCommitFigures(groupCommitSlices.get(name)!, slice * rounds)]));
  const report = {
    db: values.db,
    accounts,
    duration_s: duration,
    rounds,
    connections,
    references: {
      node_http: { rps: result('node_http').rps, p99_ms: result('node_http').p99_ms },
      koa: { rps: result('koa').rps, p99_ms: result('koa').p99_ms },
      sqlite_durable_commits_per_s: commits,
      ...(postgresCommitSlices.length > 0 && {
        postgres_commits_per_s: Math.round(median(postgresCommitSlices)),
        postgres_pool_size: poolSize,
      }),
    },
    service: Object.fromEntries(
      Object.entries(service_).map(([k, r]) => [k, { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors }]),
    ),
    // The median over rounds of each round's own ratio: the figure least moved by the machine's drift.
    ratios_by_round: {
      verify_to_koa: round2(perRound('verify', 'koa')),
      check_deposit_to_koa: round2(perRound('check_deposit', 'koa')),
      callback_to_koa: round2(perRound('callback', 'koa')),
      callback_to_commits: round2(median(slices.get('callback')!.map((r, i) => r.requests / slice / commitSlices[i]!))),
      ...(postgresCommitSlices.length > 0 && {
        callback_to_postgres_commits: round2(median(slices.get('callback')!.map((r, i) => r.requests / slice / postgresCommitSlices[i]!))),
        check_deposit_to_postgres_commits: round2(
          median(slices.get('check_deposit')!.map((r, i) => r.requests / slice / postgresCommitSlices[i]!)),
        ),
      }),
    },
    // Each round's requests per second, target by target (the disk's commits per second too): what
    // the medians above are taken over, and whether the first round ran colder than the rest.
    rps_by_round: {
      ...Object.fromEntries([...slices].map(([name, results]) => [name, results.map((r) => Math.round(r.requests / slice))])),
      sqlite_durable_commits_per_s: commitSlices.map((c) => Math.round(c)),
      ...(postgresCommitSlices.length > 0 && { postgres_commits_per_s: postgresCommitSlices.map((c) => Math.round(c)) }),
    },
    // What one request cost the process serving it (all its threads, and its main thread alone) and
    // the load generator, over all rounds; absent where /proc is not there to read.
    // `machine`: the whole machine's busy time per request, every core, the kernel and the load
    // generator included; `machine_busy`: the share of the cores that was busy during the slices.
    ...(Object.values(cpu).every((c) => c !== undefined) && {
      cpu_us_per_request: Object.fromEntries(
        Object.entries(cpu).map(([name, c]) => [
          name,
          { process: c!.process, main_thread: c!.main_thread, load_generator: c!.load_generator, machine: c!.machine },
        ]),
      ),
      machine_busy: Object.fromEntries(Object.entries(cpu).map(([name, c]) => [name, c!.machine_busy])),
    }),
    // The writes' disk flushes, as the service reports them: how many writes shared each, and how
    // long a batch and its COMMIT took; absent for a store that commits each write on its own.
    ...(Object.values(groupCommit).every((g) => g !== undefined) && { group_commit: groupCommit }),
    startup_ms: median(startups),
    startup_ms_samples: startups,
    rss_mb: rssMb,
  };
  mkdirSync(path.dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);

  const koaRps = report.references.koa.rps;
  const cpuColumns = (name: string) => {
    const c = cpu[name];
    return c
      ? `${String(c.process).padStart(8)} ${String(c.main_thread).padStart(8)} ${String(c.load_generator).padStart(8)} ${String(c.machine).padStart(8)} ${`${Math.round(c.machine_busy * 100)}%`.padStart(6)}`
      : '';
  };
  const row = (name: string, target: string, rps: number, p50: number | string, p99: number, errors: number | string) =>
    `${name.padEnd(16)} ${String(rps).padStart(8)} ${String(p50).padStart(7)} ${String(p99).padStart(7)} ${String(errors).padStart(7)} ${(rps / koaRps).toFixed(2).padStart(8)} ${(rps / commits).toFixed(2).padStart(9)} ${cpuColumns(target)}`;
  const lines = [
    `${'target'.padEnd(16)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'× koa'.padStart(8)} ${'× commit'.padStart(9)} ${cpu.verify ? `${'cpu µs'.padStart(8)} ${'main µs'.padStart(8)} ${'load µs'.padStart(8)} ${'mach µs'.padStart(8)} ${'busy'.padStart(6)}` : ''}`,
    row('node:http echo', 'node_http', report.references.node_http.rps, '', report.references.node_http.p99_ms, ''),
    row('koa echo', 'koa', koaRps, '', report.references.koa.p99_ms, ''),
    `${'sqlite commits/s'.padEnd(16)} ${String(commits).padStart(8)}`,
    ...(report.references.postgres_commits_per_s === undefined
      ? []
      : [`${'pg commits/s'.padEnd(16)} ${String(report.references.postgres_commits_per_s).padStart(8)}   (${poolSize} connections)`]),
    ...Object.entries(service_).map(([name, r]) => row(name, name, r.rps, r.p50_ms, r.p99_ms, r.errors)),
    '',
    ...(cpu.verify
      ? [
          'cpu µs, main µs, load µs: CPU time per request of the serving process, of its main thread, and of the load generator',
          'mach µs: busy time of the whole machine per request (every core, kernel included); busy: share of the cores busy meanwhile',
        ]
      : []),
    ...Object.entries(groupCommit).flatMap(([name, g]) =>
      g
        ? [
            `group commit, ${name}: ${g.writes_per_commit} writes per disk flush, ${g.commits_per_s} flushes/s, batch ${g.batch_ms} ms of which COMMIT ${g.commit_ms} ms`,
          ]
        : [],
    ),
    `ratios by round (median): ${Object.entries(report.ratios_by_round)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `req/s by round: ${Object.entries(report.rps_by_round)
      .map(([k, v]) => `${k} ${v.join('/')}`)
      .join(', ')}`,
    `start-up to listening: ${report.startup_ms} ms (median of ${startups.join(', ')})   peak RSS: ${report.rss_mb} MB   db: ${values.db}   accounts: ${accounts}   ${rounds} rounds of ${slice} s`,
    `written: ${path.relative(process.cwd(), output)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const errors = Object.values(service_).reduce((sum, r) => sum + r.errors, 0);
  if (errors > 0) {
    process.stderr.write(`${errors} wrong or failed answers\n`);
    process.exitCode = 1;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
});
