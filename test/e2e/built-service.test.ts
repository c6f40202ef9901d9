// What `npm start` runs is the bundle `npm run build` makes, not the sources the other tests run
// through tsx: built here and driven through a deposit from end to end, so that a dependency the
// bundler mishandles, or a SQLite thread it fails to place beside the code that starts it, fails a
// test instead of a merchant's start-up.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArguments } from '../../scripts/bench/start-arguments.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { callbackBody, checkDepositRequest, DEMO_SECRET, post, signed, verifyRequest } from '../support/platform.js';
import { projectRoot, startServiceProcess, type ServiceProcess } from '../support/processes.js';

let database: TestDatabase;
let service: ServiceProcess;

beforeAll(async () => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'pipe' });
  database = await createTestDatabase('sqlite');
  const store = await openStore(database.url);
  await store.migrate();
  await store.addAccount({ customerId: 'acc', currency: 'KZT', additionalCustomerId: 'ACC-1' });
  await store.close();
  service = await startServiceProcess(
    { DATABASE_URL: database.url, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) },
    startArguments(projectRoot),
  );
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await database?.drop();
});

describe('the built service (npm start)', () => {
  it('serves the console it built beside itself (dist/console/) at /console/', async () => {
    const page = await fetch(`${service.url}/console/`);
    expect(page.status).toBe(200);
    const script = /src="(app-\w+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${service.url}/console/${script}`)).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('verifies, issues a payment, credits it once and stops cleanly', async () => {
    expect(await post(service.url, '/terminal', signed(verifyRequest('acc')))).toEqual({
      status: 200,
      body: { code: 0, currency: 'KZT', additional_customer_id: 'ACC-1' },
    });
    const issued = await post(service.url, '/terminal', signed(checkDepositRequest('acc', 250_00)));
    expect(issued.status).toBe(200);
    expect(issued.body.code).toBe(0);
    const callback = signed(callbackBody(issued.body.payment_id!, 250_00));
    expect(await post(service.url, '/callback', callback)).toMatchObject({ status: 200, body: { code: 0, result: 'credited' } });
    // The platform redelivers; the bundle's writer thread must recognise the payment as settled.
    expect(await post(service.url, '/callback', callback)).toMatchObject({ status: 200, body: { code: 0, result: 'duplicate' } });
    expect(await service.stop('SIGTERM')).toBe(0);

    const store = await openStore(database.url);
    try {
      expect((await store.findAccount('acc'))!.balance).toBe(250_00);
    } finally {
      await store.close();
    }
  });

  it('builds the commands too (dist/service/cli.js), writing through the bundled writer thread', () => {
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, [path.join(projectRoot, 'dist', 'service', 'cli.js'), ...args], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: database.url },
        encoding: 'utf8',
      });
    expect(JSON.parse(cli('accounts', 'add', '--customer-id', 'built-cli', '--currency', 'KZT'))).toMatchObject({
      customer_id: 'built-cli',
      balance: 0,
    });
    expect(cli('audit', 'list')).toContain('accounts.create');
    const copy = `${database.url.slice('sqlite:'.length)}.backup`;
    expect(JSON.parse(cli('backup', '--to', copy))).toMatchObject({ file: copy, ledger: { broken: [] } });
  });

  it("starts without a process-wide young-generation flag, which would override the threads' own limits", () => {
    // V8 flags win over a worker's resourceLimits: a process-wide semi-space size would size the
    // writer's and checkpointer's heaps too, and cost the main thread throughput in garbage collection.
    expect(startArguments(projectRoot).filter((arg) => /^--(max|min)-semi-space-size|^--max-young/.test(arg))).toEqual([]);
  });
});
