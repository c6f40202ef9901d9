// The node arguments of `npm start`, read from package.json: the bench and the profiler start the
// service exactly as a user does, V8 flags included.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function startArguments(root: string): string[] {
  const start =
    (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const [command, ...args] = start.trim().split(/\s+/);
  if (command !== 'node' || args.length === 0) throw new Error(`package.json's start script should run node directly; it is "${start}"`);
  // The script runs from the project root; so must its file argument.
  return args.map((arg) => (arg.startsWith('-') ? arg : path.join(root, arg)));
}
