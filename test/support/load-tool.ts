// `npm run load` (scripts/load.ts) as a child process, for the tests of the load runs.
import { execFile } from 'node:child_process';
import { projectRoot } from './processes.js';

export function runLoadTool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/load.ts', ...args],
      { cwd: projectRoot, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
