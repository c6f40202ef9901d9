// Prism on an ephemeral loopback port, started through its node entry so that killing the child
// stops the server; never left running after the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from './processes.js';

const PRISM = path.join(projectRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
export const SPEC = path.join(projectRoot, 'openapi', 'kassa24-bvu.yaml');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Prism {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** `prism mock SPEC` or `prism proxy SPEC UPSTREAM --errors`. */
export async function startPrism(args: string[]): Promise<Prism> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [PRISM, ...args, '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism did not start:\n${output}`)), 30_000);
    const check = () => {
      if (/Prism is listening/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`prism exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
