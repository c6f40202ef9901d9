// `npm run bench -- --reconcile`, small: the tool seeds, writes its report (this project's, or another
// project's), runs the command as a user does, checks its answer and writes its figures.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../support/processes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kassa24-reconcile-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reconciles a generated report and reports operations a second and peak memory', async () => {
  const output = path.join(dir, 'reconcile-results.json');
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench.ts', '--reconcile', '--operations', '20000', '--reconcile-output', output],
    {
      cwd: projectRoot,
    },
  );
  const results = JSON.parse(readFileSync(output, 'utf8')) as {
    operations: number;
    operations_per_s: number;
    peak_rss_mb: number;
    summary: Record<string, number>;
  };
  expect(results).toMatchObject({ operations: 20000, summary: { compared: 20000, missing_here: 10, missing_there: 10 } });
  expect(results.operations_per_s).toBeGreaterThan(0);
  expect(results.peak_rss_mb).toBeGreaterThan(0);
}, 120_000);

it("reconciles another project's report: every operation and every credit a discrepancy", async () => {
  const output = path.join(dir, 'other-project-results.json');
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/bench.ts', '--reconcile', '--other-project', '--operations', '20000', '--reconcile-output', output],
    { cwd: projectRoot },
  );
  const results = JSON.parse(readFileSync(output, 'utf8')) as { other_project: boolean; summary: Record<string, number> };
  expect(results).toMatchObject({
    other_project: true,
    summary: { compared: 20000, matching: 0, missing_here: 0, missing_there: 20000, unknown_payment: 20000 },
  });
}, 120_000);
