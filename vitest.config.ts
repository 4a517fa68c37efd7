import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most files wait on real processes (sshd, serve, PostgreSQL, Chromium) rather than compute, so three
    // at a time fit two cores; vitest's default (cores - 1) would run them one by one.
    maxWorkers: 3,
  },
});
