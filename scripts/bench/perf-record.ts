// Linux perf for bench:profile --perf: samples one thread of the service (its main thread) with
// call stacks, then reports by symbol. Where a V8 profile folds native work into the JavaScript
// function that called it, perf names it: V8's builtins and runtime calls (a megamorphic access,
// a property set through the runtime), OpenSSL, SQLite, better-sqlite3, the kernel. The service
// must run with --perf-basic-prof, which writes /tmp/perf-<pid>.map for its compiled JavaScript.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export function perfAvailable(): boolean {
  const probe = spawnSync('perf', ['--version']);
  return !probe.error && probe.status === 0;
}

/** Records thread `tid` for `seconds` (software clock, ~1 kHz, call graphs) into `file`. */
export function recordThread(tid: number, seconds: number, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const perf = spawn('perf', ['record', '-F', '999', '-g', '-t', String(tid), '-o', file, '--', 'sleep', String(seconds)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    perf.stderr.on('data', (chunk) => (errors += chunk));
    perf.once('error', reject);
    perf.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}: ${errors.trim()}`))));
  });
}

function report(file: string, args: string[], lines: number): string {
  const out = spawnSync('perf', ['report', '-i', file, '--stdio', '-g', 'none', '--sort', 'sym', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`perf report failed: ${out.stderr}`);
  return out.stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .slice(0, lines)
    .join('\n');
}

/** Self samples by symbol, then inclusive samples (a symbol and everything it called). */
export function summarisePerf(file: string, pid: number, top = 30): string {
  try {
    return [
      'self samples by symbol:',
      report(file, ['--no-children'], top),
      '',
      'inclusive samples by symbol (children, self):',
      report(file, ['--children'], top),
    ].join('\n');
  } finally {
    rmSync(`/tmp/perf-${pid}.map`, { force: true });
  }
}
