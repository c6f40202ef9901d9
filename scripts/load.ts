// npm run load -- [--url URL]... [--op verify|check_deposit|callback|all] [--duration S] [--warmup S]
//                 [--connections C] [--project ID --secret SECRET] [--customer ID | --accounts N]
//                 [--koa-reference [--rounds R]] [--payments N]
//        npm run --silent load -- --accounts N --print-accounts | npm run --silent cli -- accounts import
// A load run against a service that is already running (`npm start`, a staging deployment): signed
// requests prepared before the clock starts, every answer checked, the same autocannon settings as
// `npm run bench`. For callbacks it first issues the payments they settle, with check_deposit.
// Each operation is first run unmeasured for --warmup seconds (default 2, as the bench warms up):
// a service that has just started runs its first seconds on unoptimised code, and a run that
// counted them would measure V8's compiler, not the service.
// Defaults fit the demo service `npm start` runs: project 1234, its demo secret, account 7123456789.
// --accounts N spreads the load over N accounts (load-account-1 … N) as the bench does over its
// seeded ones — many customers' accounts are spread over many pages, and credits to them too, one
// customer's sit on one — after --print-accounts has written them for `cli accounts import`.
// Against a service on this machine (a loopback URL), each operation also gets what a request cost
// the whole machine and how busy its cores were (from /proc/stat, as `npm run bench` prints them):
// this machine's speed drifts by tens of percent within minutes, and a cost compares with the
// bench's where a rate taken minutes apart may not.
// --koa-reference (loopback only) also starts the bench's Koa echo and measures each operation in
// --rounds slices (default 5) in turns with it, as `npm run bench` does: the ratio to Koa by round
// then compares with the bench's whatever phase of this machine each run met.
// --url given more than once loads instances of one service that share a database, all at once:
// each takes the same requests — every callback goes to each of them concurrently, so all but one
// delivery of it must be answered `duplicate` — and each operation's figures are their sum.
// --payments N issues N payments and times the delivery of their N callbacks (to each instance)
// instead of --duration's worth: a bounded run, for a test or a slow database.
// It credits real (demo) accounts: do not point it at production.
import { parseArgs } from 'node:util';
import { DEMO_SECRET } from '../src/config.js';
import {
  callbackBody,
  checkDepositBody,
  cycling,
  once,
  PREPARED_CALLBACKS_PER_SECOND,
  verifyBody,
  type BodySource,
  type Signer,
} from './bench/bodies.js';
import { machineBetween, machineCost, machineSample, type MachineSample } from './bench/cpu.js';
import { startEchoServer } from './bench/children.js';
import { answerCheck, credited, depositIssued, echoCheck, runLoad, verified, type LoadResult } from './bench/load.js';
import { combine, ratioByRound, together } from './bench/slices.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', multiple: true, default: ['http://127.0.0.1:8080'] },
    op: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    project: { type: 'string', default: '1234' },
    secret: { type: 'string', default: DEMO_SECRET },
    customer: { type: 'string', default: '7123456789' },
    accounts: { type: 'string' },
    'print-accounts': { type: 'boolean', default: false },
    amount: { type: 'string', default: '10000' },
    'koa-reference': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    payments: { type: 'string' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
if (!(duration > 0) || !(warmup >= 0) || !(connections > 0))
  throw new Error('--duration and --connections take positive numbers, --warmup zero or more');
if (!(Number.isSafeInteger(rounds) && rounds > 0)) throw new Error('--rounds takes a positive whole number');
const amount = Number(values.amount);
const paymentCount = values.payments === undefined ? undefined : Number(values.payments);
if (paymentCount !== undefined && !(Number.isSafeInteger(paymentCount) && paymentCount > 0))
  throw new Error('--payments takes a positive whole number');
if (paymentCount !== undefined && (values['koa-reference'] || warmup > 0))
  throw new Error('--payments times one pass over its callbacks: give --warmup 0 and no --koa-reference');
const signer: Signer = { projectId: Number(values.project), secret: values.secret };
const ops = values.op === 'all' ? ['verify', 'check_deposit', 'callback'] : [values.op];
for (const op of ops)
  if (!['verify', 'check_deposit', 'callback'].includes(op)) throw new Error(`--op is verify, check_deposit, callback or all, not ${op}`);
const urls = values.url.map((u) => u.replace(/\/$/, ''));
const url = urls[0]!;
const accountCount = values.accounts === undefined ? undefined : Number(values.accounts);
if (accountCount !== undefined && !(Number.isSafeInteger(accountCount) && accountCount > 0))
  throw new Error('--accounts takes a positive whole number');
const loadAccount = (i: number) => `load-account-${i}`;
// Prepared bodies per operation: as many as the bench prepares, over the accounts in use.
const BODIES = 5000;
const customers =
  accountCount === undefined
    ? [values.customer]
    : Array.from({ length: Math.min(accountCount, BODIES) }, () => loadAccount(1 + Math.floor(Math.random() * accountCount)));
const customer = customers[0]!;

async function post(base: string, path: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * Payments issued ahead of the run, as many as the callback phase could settle (seed.ts): with
 * autocannon, `connections` always in flight, so that the callbacks start soon after (this
 * machine's speed drifts within minutes), every answer checked and its payment id kept.
 */
async function issuePayments(count: number): Promise<string[]> {
  const ids: string[] = [];
  let refused: string | undefined;
  const result = await runLoad({
    url,
    path: '/terminal',
    bodies: cycling(customers.map((c) => checkDepositBody(signer, c, amount))),
    check: (status, body) => {
      const ok = depositIssued(status, body);
      if (ok) ids.push((JSON.parse(body) as { payment_id: string }).payment_id);
      else refused ??= `HTTP ${status}: ${body}`;
      return ok;
    },
    connections,
    durationSeconds: 3600,
    amount: count,
  });
  if (result.errors > 0)
    throw new Error(`check_deposit failed ${result.errors} times while issuing payments; the first: ${refused ?? 'no answer'}`);
  return ids;
}

async function main() {
  if (values['print-accounts']) {
    if (accountCount === undefined) throw new Error('--print-accounts needs --accounts N');
    const lines: string[] = [];
    for (let i = 1; i <= accountCount; i++) lines.push(JSON.stringify({ customer_id: loadAccount(i), currency: 'KZT' }));
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  for (const c of accountCount === undefined ? [customer] : [loadAccount(1), loadAccount(accountCount)]) {
    const answers = await Promise.all(urls.map((u) => post(u, '/terminal', verifyBody(signer, c))));
    const first = answers.find((a) => a.code !== 0);
    if (!first) continue;
    const hint =
      accountCount === undefined
        ? 'check --project, --secret and --customer'
        : `create the accounts first: npm run --silent load -- --accounts ${accountCount} --print-accounts | npm run --silent cli -- accounts import`;
    throw new Error(`verify of ${c} as project ${signer.projectId} was answered ${JSON.stringify(first)}; ${hint}`);
  }
  // The payments the callbacks settle are issued before anything is measured, as the bench seeds
  // its own: every operation then runs on the same data, and no measured phase starts with the
  // issuing's write-ahead log still being checkpointed.
  let callbackBodies: string[] | undefined;
  if (ops.includes('callback')) {
    const count = paymentCount ?? Math.ceil((duration + warmup) * PREPARED_CALLBACKS_PER_SECOND);
    process.stderr.write(`issuing ${count} payments for the callback run…\n`);
    const ids = await issuePayments(count);
    callbackBodies = ids.map((id, i) => callbackBody(signer, id, amount, i));
  }
  // With several instances, every one of them has a delivery of each callback; one credits it.
  const answers = { credited: 0, duplicate: 0 };
  const settled = answerCheck((a) => {
    if (a.code !== 0 || (a.result !== 'credited' && a.result !== 'duplicate')) return false;
    answers[a.result]++;
    return true;
  });
  type Source = { path: string; bodies: BodySource; check: (s: number, b: string) => boolean };
  // Each instance takes its own pass over the same bodies.
  const sourcesFor = (): Record<string, Source> => ({
    verify: { path: '/terminal', bodies: cycling(customers.map((c) => verifyBody(signer, c))), check: verified },
    check_deposit: { path: '/terminal', bodies: cycling(customers.map((c) => checkDepositBody(signer, c, amount))), check: depositIssued },
    ...(callbackBodies && {
      callback: { path: '/callback', bodies: once(callbackBodies, 'payments'), check: urls.length > 1 ? settled : credited },
    }),
  });
  const sources = urls.map((u) => ({ url: u, ops: sourcesFor() }));
  /** One run of `op` on every instance at once, summed. */
  const loadAll = async (op: string, durationSeconds: number, requests?: number): Promise<LoadResult> =>
    together(
      await Promise.all(
        sources.map((source) =>
          runLoad({
            url: source.url,
            ...source.ops[op]!,
            connections,
            durationSeconds,
            ...(requests !== undefined && { amount: requests }),
          }),
        ),
      ),
    );
  const results: Record<string, LoadResult> = {};
  const machine: Record<string, MachineSample | undefined> = {};
  const toKoa: Record<string, number> = {};
  // The service's cost is on this machine's clock only if it runs here.
  const local = urls.every((u) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname));
  if (values['koa-reference'] && !local)
    throw new Error('--koa-reference measures a Koa echo on this machine beside the service: give a loopback --url');
  const koa = values['koa-reference'] ? await startEchoServer('koa') : undefined;
  try {
    const echo = koa && {
      url: `http://127.0.0.1:${koa.port}`,
      path: '/',
      bodies: cycling([verifyBody(signer, customer)]),
      check: echoCheck,
    };
    // Without the reference, one slice of --duration; with it, --rounds slices in turns with the
    // echo's, as `npm run bench` measures, so that the ratio compares with the bench's by round.
    const slices = echo ? rounds : 1;
    const slice = duration / slices;
    for (const op of ops) {
      if (warmup > 0) {
        process.stderr.write(`${op}: warming up, ${warmup} s\n`);
        const warm = await loadAll(op, warmup);
        if (warm.errors > 0) throw new Error(`${op}: ${warm.errors} wrong or failed answers while warming up`);
        if (echo) await runLoad({ ...echo, connections, durationSeconds: Math.min(warmup, 1) });
      }
      process.stderr.write(
        `${op}: ${connections} connections${urls.length > 1 ? ` to each of ${urls.length} instances` : ''}, ${echo ? `${slices} slices of ${slice} s in turns with the Koa echo` : `${duration} s`}\n`,
      );
      if (op === 'callback' && paymentCount !== undefined) {
        results[op] = await loadAll(op, 3600, paymentCount);
        continue;
      }
      const opSlices: LoadResult[] = [];
      const echoSlices: LoadResult[] = [];
      let spent: MachineSample | undefined = local ? { busyUs: 0, totalUs: 0 } : undefined;
      for (let i = 0; i < slices; i++) {
        const before = local ? machineSample() : undefined;
        opSlices.push(await loadAll(op, slice));
        const used = machineBetween(before, local ? machineSample() : undefined);
        spent = spent && used && { busyUs: spent.busyUs + used.busyUs, totalUs: spent.totalUs + used.totalUs };
        if (echo) echoSlices.push(await runLoad({ ...echo, connections, durationSeconds: slice }));
      }
      results[op] = combine(opSlices, slice);
      machine[op] = spent;
      if (echo) {
        results[`koa echo (${op})`] = combine(echoSlices, slice);
        toKoa[op] = ratioByRound(opSlices, echoSlices);
      }
    }
  } finally {
    await koa?.stop();
  }
  const costColumns = (op: string, r: LoadResult) => {
    const m = machine[op];
    const cost = m && machineCost(m, r.requests);
    return cost ? ` ${cost.machine.toFixed(1).padStart(8)} ${`${Math.round(cost.machine_busy * 100)}%`.padStart(6)}` : '';
  };
  const withCosts = Object.values(machine).some((m) => m !== undefined);
  const withRatios = Object.keys(toKoa).length > 0;
  const ratioColumn = (op: string) => (withRatios ? ` ${(op in toKoa ? toKoa[op]!.toFixed(2) : '').padStart(6)}` : '');
  process.stdout.write(
    `${'operation'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}${withRatios ? ` ${'× koa'.padStart(6)}` : ''}${withCosts ? ` ${'mach µs'.padStart(8)} ${'busy'.padStart(6)}` : ''}\n`,
  );
  for (const [op, r] of Object.entries(results)) {
    process.stdout.write(
      `${op.padEnd(24)} ${String(r.rps).padStart(8)} ${String(r.p50_ms).padStart(7)} ${String(r.p99_ms).padStart(7)} ${String(r.errors).padStart(7)}${ratioColumn(op)}${costColumns(op, r)}\n`,
    );
  }
  if (withRatios)
    process.stdout.write(
      "× koa: median over the rounds of each round's ratio to the Koa echo measured right after it, as `npm run bench` gives it\n",
    );
  if (withCosts)
    process.stdout.write(
      'mach µs: busy time of the whole machine per request (every core, kernel included); busy: share of the cores busy meanwhile\n',
    );
  if (urls.length > 1 && callbackBodies)
    process.stdout.write(
      `callback answers over the ${urls.length} instances: ${answers.credited} credited, ${answers.duplicate} duplicate\n`,
    );
  if (Object.values(results).some((r) => r.errors > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`load failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
