// `npm run bench:ceiling`: the service and its three reduced builds are built, started on copies of
// one seeded database and loaded in turns with the Koa echo; every callback must be answered
// "credited" by each, and the table give each its ratio to the echo.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/processes.js';

describe('npm run bench:ceiling', () => {
  it('measures every variant against the Koa echo, every answer right', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const args = ['--import', 'tsx', 'scripts/bench/ceiling.ts', '--duration', '1', '--rounds', '2', '--warmup', '0', '--accounts', '200', '--connections', '5'];
      execFile(process.execPath, args, { cwd: projectRoot, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/round 2\/2/);
    expect(run.stdout).toMatch(/^koa echo\s+[1-9]\d*\s+[\d.]+\s+0\s+1\.00\s/m);
    for (const name of ['service', 'one-row', 'no-sql', 'no-store']) {
      // req/s, p99, errors (none), then the ratio to the echo.
      expect(run.stdout).toMatch(new RegExp(`^${name}: .*?\\s+[1-9]\\d*\\s+[\\d.]+\\s+0\\s+\\d\\.\\d\\d\\s`, 'm'));
    }
  }, 180_000);
});
