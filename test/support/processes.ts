// The service and the CLI as separate processes, started the way a user starts them (through tsx,
// without npm's overhead per call).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_ARGS = ['--import', 'tsx'];

/** What a CLI command listing items prints on each line, typed by the command's generator. */
export type ListedLine<F extends (...args: never[]) => AsyncIterable<unknown>> = ReturnType<F> extends AsyncIterable<infer T> ? T : never;

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...NODE_ARGS, 'src/cli/main.ts', ...args],
      { cwd: projectRoot, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The CLI started, not awaited: for a test that signals it while it runs. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [...NODE_ARGS, 'src/cli/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, exited: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** Runs the CLI as `cli … | head -1` does: reads its first line, then closes the pipe on it. */
export async function runCliReadingOneLine(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; line: string; stderr: string }> {
  const { child, exited } = spawnCli(args, env);
  // No earlier chunk held a line end, or the pipe would be closed already.
  child.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.includes('\n')) child.stdout!.destroy();
  });
  const { code, stdout, stderr } = await exited;
  return { code, line: stdout.slice(0, stdout.indexOf('\n')), stderr };
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `nodeArgs` default to the sources through tsx; the built service is started with npm start's. */
export async function startServiceProcess(env: NodeJS.ProcessEnv, nodeArgs = [...NODE_ARGS, 'src/main.ts']): Promise<ServiceProcess> {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: projectRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /"port":(\d+).*"msg":"listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
