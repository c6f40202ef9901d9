// The README's admin story is run as written — its curl commands against the service in demo mode —
// and must print exactly the `#>` lines the README shows.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { projectRoot, startServiceProcess, type ServiceProcess } from '../support/processes.js';

const hasJq = spawnSync('jq', ['--version']).status === 0;
if (!hasJq) console.warn('SKIPPED: the README admin story needs jq (apt-get install jq); CI has it');

const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const block = /<!-- admin-story:begin -->\n```sh\n([\s\S]*?)```\n<!-- admin-story:end -->/.exec(readme)?.[1] ?? '';

describe.skipIf(!hasJq)('README: the admin review story with curl', () => {
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    service = await startServiceProcess({ DATABASE_URL: database.url, KASSA24_PROJECTS: '', ADMIN_TOKENS: '' });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it('prints what the README says it prints', () => {
    expect(block).toContain('OPERATOR=');
    const token = (role: string) => new RegExp(`#\\s+${role}:\\s+(k24_\\S+)`).exec(service.output())?.[1];
    expect(token('operator')).toBeDefined();
    const script = block
      .replace(/^S=.*$/m, `S=${service.url}`)
      .replace(/^OPERATOR=.*$/m, `OPERATOR='${token('operator')}'`)
      .replace(/^VIEWER=.*$/m, `VIEWER='${token('viewer')}'`);
    const printed = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 });
    const expected = block
      .split('\n')
      .filter((line) => line.startsWith('#> '))
      .map((line) => line.slice(3));
    expect(printed.trim().split('\n')).toEqual(expected);
  }, 150_000);
});
