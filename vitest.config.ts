import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The bench and load tools' own runs: `npm run test:bench` (vitest.bench.config.ts).
    exclude: ['test/bench/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A browser page or a first operator read (the reader thread starting) can take seconds on a
    // loaded machine; a poll that succeeds returns at once, so only a failure waits this long.
    expect: { poll: { timeout: 10_000 } },
    // Service tests each own a server and a database file; files may run in parallel.
    pool: 'forks',
  },
});
