import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Two CI cores: run files in parallel but keep each test's own timeout generous for real sshd and Python.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
