// How the service is bundled: one ES module per thread — main.js (what `npm start` runs),
// writer-thread.js, checkpointer-thread.js and reader-thread.js (the SQLite threads, started from
// beside the code that starts them) — cli.js (the commands, for cron jobs and large reports: half the memory and
// none of tsx's start-up) and the chunks they share. `npm run build` writes it to dist/service;
// bench:ab and bench:profile bundle it the same way.
//
// Why a bundle: loading Koa, its plugins, the router and pino from node_modules is some 500 small
// CommonJS files, and resolving, reading and wrapping them was half of start-up (~200 ms of CPU on
// this machine). One file skips all of it. The tests run the same sources through tsx; the build
// type-checks nothing (`npm run typecheck` and `npm test` do).
import type { BuildOptions } from 'esbuild';

export function serviceBundle(root: string, outdir: string, { minify = true } = {}): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: {
      main: 'src/main.ts',
      cli: 'src/cli/main.ts',
      'writer-thread': 'src/store/sqlite/writer-thread.ts',
      'checkpointer-thread': 'src/store/sqlite/checkpointer-thread.ts',
      'reader-thread': 'src/store/sqlite/reader-thread.ts',
    },
    outdir,
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // A native addon stays a package; PostgreSQL's driver and Kysely are imported only when a
    // postgres:// URL or a migration needs them, so they stay out of the start-up path entirely.
    external: ['better-sqlite3', 'pg', 'kysely'],
    // The CommonJS packages inside call require() for Node's built-ins; an ES module has none.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Stack traces map back to src/ with `node --enable-source-maps` (not on by default: reading the
    // map costs ~120 ms of start-up). Names are kept, so a trace without it still reads.
    sourcemap: 'linked',
    // Without white space the code V8 parses, and keeps as source in the heap, is 30% smaller: ~50 ms
    // less start-up and a peak RSS no higher than the unbundled service's.
    minifyWhitespace: minify,
    minifySyntax: minify,
    logLevel: 'warning',
  };
}
