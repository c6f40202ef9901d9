// Child processes the benchmark starts and measures: reference servers and the service itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_PROJECT, BENCH_SECRET } from './seed.js';

export interface Child {
  child: ChildProcess;
  port: number;
  /** Milliseconds from spawn to the port being announced. */
  startupMs: number;
  peakRssMb(): number;
  stop(): Promise<void>;
}

function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

// What a child said is kept for the error message if it exits, and stdout until it names its port:
// the last 32 kB is plenty for either, and a child that talks for a whole run stays bounded.
const KEEP_CHARS = 32 * 1024;
const tail = (text: string): string => (text.length > 2 * KEEP_CHARS ? text.slice(-KEEP_CHARS) : text);

export function startChild(args: string[], env: NodeJS.ProcessEnv, portFrom: (output: string) => number | undefined): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = tail(output + chunk.toString('utf8'));
      const port = portFrom(output);
      if (port === undefined) return;
      child.stdout.off('data', onData);
      // Keep draining so a chatty child never blocks on a full pipe.
      child.stdout.resume();
      resolve({
        child,
        port,
        startupMs: Math.round(performance.now() - started),
        peakRssMb: () => peakRssMb(child.pid),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output = tail(output + chunk)));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

/**
 * The service for a measurement: `args` are node's (flags and the entry file), the database its
 * own, the bench project its only one, loopback on a port of the system's choosing.
 */
export function startBenchService(args: string[], databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  return startChild(
    args,
    {
      DATABASE_URL: databaseUrl,
      KASSA24_PROJECTS: JSON.stringify({ [BENCH_PROJECT]: BENCH_SECRET }),
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    (out) => {
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
      return match ? Number(match[1]) : undefined;
    },
  );
}

const echoServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo-server.ts');

/** A reference JSON echo (echo-server.ts) on loopback, on a port of the system's choosing. */
export function startEchoServer(kind: 'node_http' | 'koa'): Promise<Child> {
  return startChild(['--import', 'tsx', echoServer, kind], {}, (out) => {
    const match = /^(\d+)\n/.exec(out);
    return match ? Number(match[1]) : undefined;
  });
}
