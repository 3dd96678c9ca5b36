import { defineConfig } from 'vitest/config';

// Browser tests: one real node and one Chromium per file, run one file at a time (two cores shared with others).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
