// `npm run test:bench`: the end-to-end runs of the bench and load tools, slow by nature (tens of
// seconds each), kept out of `npm test`; `.ci/run` runs both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
