// npm run build [-- --readable]: the service bundled into dist/service/ (service-bundle.ts says how
// and why), and the operator console into dist/console/ (console-bundle.ts), which the service
// serves at /console/.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { buildConsole } from './console-bundle.js';
import { serviceBundle } from './service-bundle.js';

// --readable keeps the layout of the sources, one statement per line: what a CPU profile needs to
// name the line it spent its time on (the profiler, npm run bench:profile, builds this way).
const { values } = parseArgs({ options: { readable: { type: 'boolean', default: false } } });

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'service');

rmSync(outdir, { recursive: true, force: true });
await Promise.all([
  build(serviceBundle(root, outdir, { minify: !values.readable })),
  buildConsole({ outDir: path.join(root, 'dist', 'console'), minify: !values.readable }),
]);
