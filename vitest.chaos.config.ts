import { defineConfig } from 'vitest/config';

/** `npm run chaos`: fault scenarios that start their own Postgres or processes; not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts', 'test/http/hostile-property.test.ts'],
    globalSetup: ['test/chaos/support/global.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    env: { LOTS_FUZZ_RUNS: process.env.LOTS_FUZZ_RUNS ?? '300' },
  },
});
