// Starts one of the store's threads from its entry module beside this file: the compiled .js
// when running from dist/, or the TypeScript source through tsx when running from the sources
// (tests, `npm run cli`), as the calling thread itself was.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

// Each thread has a V8 heap of its own; left to defaults each would size it like the main thread's.
// Caps, not reservations: what these threads hold is small (statements, one batch of writes).
// A process-wide --max-semi-space-size would override these young-generation caps (V8 flags win
// over a worker's limits), which is one reason `npm start` passes none.
const LIMITS: Record<Entry, ResourceLimits> = {
  'writer-thread': { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 },
  'checkpointer-thread': { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
  // A page of a list, or a reconciliation's batch of payments, between SQLite and the message.
  'reader-thread': { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 },
};

type Entry = 'writer-thread' | 'checkpointer-thread' | 'reader-thread';

export function startThread(entry: Entry, workerData: unknown): Worker {
  const resourceLimits = LIMITS[entry];
  const compiled = new URL(`./${entry}.js`, import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData, resourceLimits });
  const source = new URL(`./${entry}.ts`, import.meta.url).href;
  const tsx = pathToFileURL(
    path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(code, { eval: true, workerData, resourceLimits });
}
