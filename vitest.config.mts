import { defineConfig } from 'vitest/config';

// One runner for every layer. Unit tests are pure and fast; integration tests start real
// servers (sshd) on loopback; e2e tests drive Debian's Chromium against `serve`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration and e2e suites start servers and processes: keep them from fighting over 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
