import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage suites open a database each; two workers keep this 2-core machine responsive.
    maxWorkers: 2,
  },
});
