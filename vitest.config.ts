import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // CI machines are shared: a suite that takes 6 minutes on a quiet machine took 15 on a loaded one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Storage suites open a database each; two workers keep this 2-core machine responsive.
    maxWorkers: 2,
  },
});
