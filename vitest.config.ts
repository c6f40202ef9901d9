import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Service tests each own a server and a database file; files may run in parallel.
    pool: 'forks',
  },
});
