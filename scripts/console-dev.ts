// npm run console:dev [-- --port 4020] [--mock-port 4010]: the console against the Prism mock of the
// admin spec (npm run mock -- --admin), with no service and no data: any token signs in, every
// screen shows the spec's examples. The console is rebuilt when a file under console/ changes.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import { consoleFiles } from '../src/http/console-files.js';
import { buildConsole } from './console-bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4020' },
    'mock-port': { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const apiBase = `http://${values.host}:${values['mock-port']}`;
const outDir = path.join(root, 'dist', 'console-dev');

const mock = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'scripts', 'mock.ts'), '--admin', '--port', values['mock-port'], '--host', values.host],
  {
    stdio: 'inherit',
  },
);

let serve: Koa.Middleware = consoleFiles(undefined);
async function rebuild(): Promise<void> {
  try {
    await buildConsole({ outDir, apiBase, minify: false });
    serve = consoleFiles(outDir, apiBase);
  } catch (error) {
    console.error(`console build failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
await rebuild();
let pending: NodeJS.Timeout | undefined;
watch(path.join(root, 'console'), { recursive: true }, () => {
  clearTimeout(pending);
  pending = setTimeout(() => void rebuild().then(() => console.log('console rebuilt')), 100);
});

const app = new Koa();
app.use(async (ctx, next) => {
  await serve(ctx, next);
});
app.use((ctx) => ctx.redirect('/console/'));
app.listen(Number(values.port), values.host, () => {
  console.log(`console: http://${values.host}:${values.port}/console/ (admin API: the Prism mock at ${apiBase}; any token signs in)`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    mock.kill(signal);
    process.exit(0);
  });
}
