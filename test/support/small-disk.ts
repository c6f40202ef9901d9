// A file system of a given size, to see what a command does when its disk fills up. Mounting one
// needs root, as CI runs; elsewhere the test says it is skipped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'vitest';

/** Runs `work` with the directory of a new tmpfs of `size` (`256k`, `1m`), unmounted afterwards. */
export async function onSmallDisk(size: string, context: TestContext, work: (directory: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync(path.join(tmpdir(), 'kassa24-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory], { stdio: 'ignore' });
  } catch {
    rmSync(directory, { recursive: true });
    console.warn(`"${context.task.name}" SKIPPED: cannot mount a small tmpfs (needs root).`);
    context.skip();
  }
  try {
    await work(directory);
  } finally {
    execFileSync('umount', [directory]);
    rmSync(directory, { recursive: true });
  }
}
