// The CLI never changes a schema as a side effect: on a store whose schema is behind, every command
// but `migrate` stops, says to run `cli migrate`, and writes nothing.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migration-names.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';
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
    const commands = [
      ['accounts', 'add', '--customer-id', 'a', '--currency', 'KZT'],
      ['accounts', 'show', 'a'],
      ['callbacks', 'list', '--rejected'],
    ];
    expect(await pending()).toEqual([...MIGRATION_NAMES]);
    for (const args of commands) {
      const run = await runCli(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(
        "the store has no schema: no migration was ever applied to it. If DATABASE_URL names the service's store, run `npm run --silent cli -- migrate` first; otherwise correct DATABASE_URL. Nothing was changed.\n",
      );
    }
    expect(await pending()).toEqual([...MIGRATION_NAMES]);

    expect(await runCli(['migrate'], env)).toEqual({ code: 0, stdout: '', stderr: `migrations applied: ${MIGRATION_NAMES.join(', ')}\n` });
    expect(await pending()).toEqual([]);
    expect((await runCli(['accounts', 'add', '--customer-id', 'a', '--currency', 'KZT'], env)).code).toBe(0);
    expect(await runCli(['migrate'], env)).toEqual({ code: 0, stdout: '', stderr: 'the schema is current: nothing to apply\n' });

    // As an older release left it: its last migration not applied.
    const last = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];
    await writePastTheStore(database, [`delete from kysely_migration where name = '${last}'`]);
    for (const args of commands) {
      const run = await runCli(args, env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(
        `the store's schema is behind: 1 migration(s) not applied (${last}); run \`npm run --silent cli -- migrate\` first. Nothing was changed.\n`,
      );
    }
    expect(await pending()).toEqual([last]);
  });

  it('the service with MIGRATE_ON_START=false refuses to start on a store with no schema or one behind, and starts once migrated', async () => {
    const serviceEnv = { ...env, MIGRATE_ON_START: 'false', KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) };
    expect(await pending()).toEqual([...MIGRATION_NAMES]);
    await expect(startServiceProcess(serviceEnv)).rejects.toThrow(
      'service exited with 1:\nkassa24-bvu: failed to start: MIGRATE_ON_START=false, but the store has no schema (no migration was ever applied to it): run `cli migrate` first, or correct DATABASE_URL\n',
    );
    expect(await pending()).toEqual([...MIGRATION_NAMES]);
    await runCli(['migrate'], env);
    const service = await startServiceProcess(serviceEnv);
    expect(await service.stop()).toBe(0);

    // As an older release left it: its last migration not applied.
    const last = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];
    await writePastTheStore(database, [`delete from kysely_migration where name = '${last}'`]);
    await expect(startServiceProcess(serviceEnv)).rejects.toThrow(
      `service exited with 1:\nkassa24-bvu: failed to start: MIGRATE_ON_START=false, but the schema is behind (${last} not applied): run \`cli migrate\` first\n`,
    );
    expect(await pending()).toEqual([last]);
  });

  it('the service says when it created the schema of an empty store, and only then', async () => {
    const serviceEnv = { ...env, KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }) };
    const created = 'the store was empty: its schema was created (a service that ran before used another DATABASE_URL)';
    const first = await startServiceProcess(serviceEnv);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain(`"migrations":${MIGRATION_NAMES.length},"msg":"${created}"`);
    const again = await startServiceProcess(serviceEnv);
    expect(await again.stop()).toBe(0);
    expect(again.output()).not.toContain(created);
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

describe('cli on a DATABASE_URL that names no SQLite store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kassa24-nostore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses every store command but migrate, creating neither the file nor its folder', async () => {
    // A mistyped path: a store created there would take operators' changes the service never sees.
    const file = path.join(dir, 'misspelt', 'kassa24.db');
    const env = { DATABASE_URL: `sqlite:${file}` };
    for (const args of [
      ['accounts', 'show', 'a'],
      ['adjustments', 'add', '--customer-id', 'a', '--amount', '500', '--reason', 'goodwill', '--idempotency-key', 'k1'],
      ['ledger', 'check'],
    ]) {
      expect(await runCli(args, env), args.join(' ')).toEqual({
        code: 2,
        stdout: '',
        stderr: `no SQLite store at ${file}: check DATABASE_URL. The service creates its store when it first starts; \`npm run --silent cli -- migrate\` creates one here. Nothing was created.\n`,
      });
    }
    expect(readdirSync(dir)).toEqual([]);

    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['accounts', 'add', '--customer-id', 'a', '--currency', 'KZT'], env)).code).toBe(0);
  });

  it('the service with MIGRATE_ON_START=false refuses to start there, creating nothing', async () => {
    const file = path.join(dir, 'misspelt', 'kassa24.db');
    const serviceEnv = {
      DATABASE_URL: `sqlite:${file}`,
      MIGRATE_ON_START: 'false',
      KASSA24_PROJECTS: JSON.stringify({ 1234: DEMO_SECRET }),
    };
    await expect(startServiceProcess(serviceEnv)).rejects.toThrow(
      `service exited with 1:\nkassa24-bvu: failed to start: MIGRATE_ON_START=false, but there is no SQLite store at ${file}: run \`cli migrate\` to create it, or correct DATABASE_URL. Nothing was created.\n`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
