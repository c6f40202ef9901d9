// npm run bench:profile -- --op verify|check_deposit|callback [--duration S] [--out DIR]
// Runs one operation against a service started with --cpu-prof and prints where its time goes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signValue } from '../../src/protocol/signature/signature.js';
import { openStore } from '../../src/store/open-store.js';
import { startChild } from './children.js';
import { runLoad } from './load.js';
import { summarise } from './profile-summary.js';
import { accountId, BENCH_PROJECT, BENCH_SECRET, callbackPaymentId, seed } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { op: { type: 'string', default: 'verify' }, duration: { type: 'string', default: '5' }, out: { type: 'string' } } });
const op = values.op!;
const duration = Number(values.duration);
const work = mkdtempSync(path.join(tmpdir(), 'kassa24-prof-'));
const outDir = values.out ? path.resolve(values.out) : path.join(work, 'profiles');
mkdirSync(outDir, { recursive: true });

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const url = `sqlite:${path.join(work, 'p.db')}`;
const store = await openStore(url);
await store.migrate();
await store.close();
const payments = 200_000;
await seed(url, 10_000, payments);

const sign = (body: object) => JSON.stringify({ ...body, signature: signValue(body, BENCH_SECRET) });
const bodies =
  op === 'verify'
    ? Array.from({ length: 2000 }, (_, i) => sign({ type: 'verify', customer_id: accountId(1 + (i % 10_000)), project_id: BENCH_PROJECT }))
    : op === 'check_deposit'
      ? Array.from({ length: 2000 }, (_, i) => sign({ type: 'check_deposit', project_id: BENCH_PROJECT, customer_id: accountId(1 + (i % 10_000)), amount: 10000, currency: 'KZT', payment_method: 'kassa24_bvu' }))
      : Array.from({ length: payments }, (_, i) =>
          sign({ project_id: BENCH_PROJECT, payment: { id: callbackPaymentId(i), type: 'purchase', status: 'success', sum: { amount: 10000, currency: 'KZT' } }, operation: { id: i, type: 'sale', status: 'success' } }),
        );

const service = await startChild(
  ['--cpu-prof', '--cpu-prof-dir', outDir, path.join(root, 'dist/src/main.js')],
  { DATABASE_URL: url, KASSA24_PROJECTS: JSON.stringify({ [BENCH_PROJECT]: BENCH_SECRET }), HOST: '127.0.0.1', PORT: '0' },
  (out) => Number(/"port":(\d+)[^\n]*"msg":"listening"/.exec(out)?.[1]) || undefined,
);
const result = await runLoad({
  url: `http://127.0.0.1:${service.port}`,
  path: op === 'callback' ? '/callback' : '/terminal',
  bodies,
  cycle: op !== 'callback',
  check: (status) => status === 200,
  connections: 50,
  durationSeconds: duration,
});
await service.stop();
const profile = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile')).sort().pop()!;
console.log(`${op}: ${result.rps} req/s, p99 ${result.p99_ms} ms, errors ${result.errors}; profile ${path.join(outDir, profile)}`);
console.log(summarise(path.join(outDir, profile)));
if (!values.out) rmSync(work, { recursive: true, force: true });
