// Files written outside SQLite (a backup, a restored store) made durable the way SQLite makes its
// own: the file's data flushed, then its directory, so that a rename survives a power cut.
import { closeSync, fsyncSync, openSync } from 'node:fs';

export function flushToDisk(fileOrDirectory: string): void {
  const fd = openSync(fileOrDirectory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
