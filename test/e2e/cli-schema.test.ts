// The CLI never changes a schema as a side effect: on a store whose schema is behind, every command
// but `migrate` stops, says to run `cli migrate`, and writes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migration-names.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { DEMO_SECRET } from '../support/platform.js';
import { runCli, startServiceProcess } from '../support/processes.js';

describe.each(backends())('cli on an unmigrated store (%s)', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const pending = async () => {
    const store = await openStore(database.url);
    try {
      return await store.pendingMigrations();
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    env = { DATABASE_URL: database.url };
  });
  afterEach(() => database?.drop());

  it('refuses every store command until `migrate` has run, changing nothing', async () => {
    for (const args of [
      ['accounts', 'add', '--customer-id', 'a', '--currency', 'KZT'],
      ['accounts', 'show', 'a'],
      ['callbacks', 'list', '--rejected'],
    ]) {
      const run = await runCli(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`the store's schema is behind: ${MIGRATION_NAMES.length} migration(s) not applied`);
      expect(run.stderr).toContain('run `npm run --silent cli -- migrate` first. Nothing was changed.');
    }
    expect(await pending()).toEqual([...MIGRATION_NAMES]);

    expect(await runCli(['migrate'], env)).toEqual({ code: 0, stdout: '', stderr: `migrations applied: ${MIGRATION_NAMES.join(', ')}\n` });
    expect(await pending()).toEqual([]);
    expect((await runCli(['accounts', 'add', '--customer-id', 'a', '--currency', 'KZT'], env)).code).toBe(0);
    expect(await runCli(['migrate'], env)).toEqual({ code: 0, stdout: '', stderr: 'the schema is current: nothing to apply\n' });
  });

  it('the service with MIGRATE_ON_START=false refuses to start on a schema that is behind, and starts once migrated', async () => {
    const serviceEnv = { ...env, MIGRATE_ON_START: 'false', KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) };
    await expect(startServiceProcess(serviceEnv)).rejects.toThrow(
      /exited with 1:[\s\S]*MIGRATE_ON_START=false, but the schema is behind \(0001_initial, /,
    );
    expect(await pending()).toEqual([...MIGRATION_NAMES]);
    await runCli(['migrate'], env);
    const service = await startServiceProcess(serviceEnv);
    expect(await service.stop()).toBe(0);
  });

  it('lists the rejected callbacks with --rejected, and refuses it mixed with other filters', async () => {
    await runCli(['migrate'], env);
    const store = await openStore(database.url);
    try {
      await store.keepRejectedCallback({
        rawBody: '{"payment":{}}',
        headers: { 'user-agent': 'test' },
        receivedAt: new Date('2026-12-01T00:00:00Z'),
        reason: 'payment.id: required field is missing',
      });
    } finally {
      await store.close();
    }
    const run = await runCli(['callbacks', 'list', '--rejected'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      reason: 'payment.id: required field is missing',
      deliveries: 1,
      received_at: '2026-12-01T00:00:00.000Z',
      headers: { 'user-agent': 'test' },
      raw_body: '{"payment":{}}',
    });
    expect((await runCli(['callbacks', 'list', '--rejected', '--flagged'], env)).code).toBe(2);
  });
});
