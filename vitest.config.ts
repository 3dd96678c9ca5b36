import { defineConfig } from 'vitest/config';

// `npm test` runs the server, CLI and domain tests and the web app's unit tests; browser tests are `npm run test:e2e`.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['node_modules', 'dist', 'e2e', 'web'],
        },
      },
      'web/vitest.config.ts',
    ],
  },
});
