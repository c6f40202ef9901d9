// npm run mock [-- --admin] [--port 4010] [--dynamic]: Prism serving the partner spec's examples,
// or with --admin the admin spec's (for a console built without a service; any bearer token is
// accepted), or with --dynamic data generated from the schemas. CORS is on, so a page in a browser
// may call it. Started as node + Prism's entry so that stopping this process stops the server.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    dynamic: { type: 'boolean', default: false },
    admin: { type: 'boolean', default: false },
  },
});
const prism = path.join(root, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
const args = [
  prism,
  'mock',
  path.join(root, 'openapi', values.admin ? 'kassa24-admin.yaml' : 'kassa24-bvu.yaml'),
  '--cors',
  '--port',
  values.port,
  '--host',
  values.host,
  ...(values.dynamic ? ['--dynamic'] : []),
];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
