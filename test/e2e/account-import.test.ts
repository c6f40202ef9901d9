// `cli accounts import`: a merchant's accounts brought over from JSON lines, checked before anything
// is written, and safe to run twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, createTestDatabase, writePastTheStore, type TestDatabase } from '../support/databases.js';
import type { showAccount } from '../../src/cli/store-commands.js';
import { runCli } from '../support/processes.js';

type ShownAccount = Awaited<ReturnType<typeof showAccount>>;

const lines = (...objects: unknown[]) => objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

describe.each(backends())('accounts import on %s', (backend) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const show = async (customerId: string) => {
    const result = await runCli(['accounts', 'show', customerId], env);
    return result.code === 0 ? (JSON.parse(result.stdout) as ShownAccount) : undefined;
  };

  beforeEach(async () => {
    database = await createTestDatabase(backend);
    env = { DATABASE_URL: database.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
  });
  afterEach(() => database?.drop());

  it('adds every account of the file, and a second run of the same file changes nothing', async () => {
    const file = lines(
      { customer_id: '7000000001', currency: 'KZT', additional_customer_id: 'HF-1' },
      '',
      { customer_id: 'anna@example.com', currency: 'KZT' },
      { customer_id: '7000000003', currency: 'USD' },
    );
    // As a spreadsheet exports it: a byte-order mark first, Windows line ends.
    const first = await runCli(['accounts', 'import'], env, `\uFEFF${file.replaceAll('\n', '\r\n')}`);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(first.stdout)).toEqual({ added: 3, unchanged: 0, conflicting: 0 });
    expect(await show('7000000001')).toEqual({
      customer_id: '7000000001',
      currency: 'KZT',
      balance: 0,
      status: 'active',
      additional_customer_id: 'HF-1',
    });
    expect(await show('anna@example.com')).toMatchObject({ currency: 'KZT', additional_customer_id: null });

    const again = await runCli(['accounts', 'import'], env, file);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ added: 0, unchanged: 3, conflicting: 0 });
  });

  it('writes nothing when a line is wrong, and names every wrong line', async () => {
    const file = lines(
      { customer_id: 'fine', currency: 'KZT' },
      { customer_id: 'x', currency: 'tenge' },
      { customer_id: 'y', currency: 'KZT', curency: 'KZT' },
      { customer_id: 'fine', currency: 'KZT' },
      '{"customer_id": "z",',
      { customer_id: '', currency: 'KZT' },
      { customer_id: 'w', currency: 'KZT', additional_customer_id: 42 },
      'null',
      '["v", "KZT"]',
      { customer_id: 'u', currency: 'KZT', additional_customer_id: 'HF\u0000' },
    );
    const result = await runCli(['accounts', 'import'], env, file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('nothing imported: 9 line(s) to fix');
    expect(result.stderr).toContain('line 2: currency must be an ISO 4217 code such as KZT, got "tenge"');
    expect(result.stderr).toContain('line 3: unknown field curency;');
    expect(result.stderr).toContain('line 4: customer_id "fine" is already on line 1');
    expect(result.stderr).toMatch(/line 5: not JSON: /);
    expect(result.stderr).toContain('line 6: customer_id must be a string of 1 to 255 characters');
    expect(result.stderr).toContain('line 7: additional_customer_id must be a string');
    expect(result.stderr).toContain('line 8: must be a JSON object');
    expect(result.stderr).toContain('line 9: must be a JSON object');
    expect(result.stderr).toContain('line 10: additional_customer_id must not contain U+0000 (NUL)');
    expect(await show('fine')).toBeUndefined();

    // A file wrong throughout names the first twenty lines and counts the rest.
    const wrong = await runCli(['accounts', 'import'], env, lines(...Array.from({ length: 25 }, () => ({ currency: 'KZT' }))));
    expect(wrong.code).toBe(2);
    const reported = wrong.stderr.trimEnd().split('\n');
    expect(reported[0]).toBe('nothing imported: 25 line(s) to fix');
    expect(reported.slice(1, -1).map((line) => line.split(':')[0])).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`));
    expect(reported.at(-1)).toBe('… and 5 more');
    const twenty = await runCli(['accounts', 'import'], env, lines(...Array.from({ length: 20 }, () => ({ currency: 'KZT' }))));
    expect(twenty.stderr.trimEnd().split('\n').at(-1)).toMatch(/^line 20: /);
  });

  it('stops on a store failure, saying what failed rather than calling it a conflict; a rerun completes', async () => {
    // A rule of the merchant's own on the accounts table refuses one of the file's accounts.
    await writePastTheStore(
      database,
      backend === 'sqlite'
        ? [
            `create trigger refuse_blocked before insert on accounts when new.customer_id = 'blocked'
             begin select raise(abort, 'blocked by the merchant''s rule'); end`,
          ]
        : [
            `create function refuse_blocked() returns trigger language plpgsql as $$
             begin
               if new.customer_id = 'blocked' then raise exception 'blocked by the merchant''s rule'; end if;
               return new;
             end $$`,
            'create trigger refuse_blocked before insert on accounts for each row execute function refuse_blocked()',
          ],
    );
    const file = lines({ customer_id: 'before', currency: 'KZT' }, { customer_id: 'blocked', currency: 'KZT' });
    const refused = await runCli(['accounts', 'import'], env, file);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'import stopped at customer_id "blocked": blocked by the merchant\'s rule\n' +
        'the accounts written so far are kept; importing the same file again completes the import\n',
    });

    await writePastTheStore(database, ['drop trigger refuse_blocked' + (backend === 'sqlite' ? '' : ' on accounts')]);
    const rerun = await runCli(['accounts', 'import'], env, file);
    expect(rerun.code).toBe(0);
    expect(await show('blocked')).toMatchObject({ currency: 'KZT' });
    expect(await show('before')).toMatchObject({ currency: 'KZT' });
  });

  it('leaves an account stored differently as it is, imports the rest and exits 1 naming it', async () => {
    expect((await runCli(['accounts', 'add', '--customer-id', 'taken', '--currency', 'KZT'], env)).code).toBe(0);
    const withId = ['accounts', 'add', '--customer-id', 'taken-hf', '--currency', 'KZT', '--additional-id', 'HF-9'];
    expect((await runCli(withId, env)).code).toBe(0);
    const result = await runCli(
      ['accounts', 'import'],
      env,
      lines(
        { customer_id: 'taken', currency: 'USD' },
        { customer_id: 'taken-hf', currency: 'KZT' },
        { customer_id: 'new', currency: 'KZT' },
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('{"added":1,"unchanged":0,"conflicting":2}');
    expect(result.stderr).toContain('left as they are: "taken", "taken-hf"');
    expect(await show('taken')).toMatchObject({ currency: 'KZT' });
    expect(await show('taken-hf')).toMatchObject({ additional_customer_id: 'HF-9' });
    expect(await show('new')).toMatchObject({ currency: 'KZT' });
  });
});
