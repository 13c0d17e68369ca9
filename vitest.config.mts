import { defineConfig } from 'vitest/config';

// One runner for every layer, as three projects (`vitest run --project unit`, `npm run test:unit`…;
// plain `vitest run` runs all three). Unit tests are pure and fast; integration tests start real
// servers (sshd, HAProxy, the lab) on loopback; e2e tests drive Debian's Chromium against `serve`.
//
// The projects do not `extends: true` the root: in vitest 4 that would also inherit the root's
// globalSetup and run the leftover guard once per project. The settings they share are spelled
// out once here instead.
const shared = {
  pool: 'forks',
  testTimeout: 20_000,
  hookTimeout: 60_000,
  // Integration and e2e suites start servers and processes: keep them from fighting over 2 cores
  // (one worker pool for the whole run: every project must say the same).
  fileParallelism: true,
  maxWorkers: 2,
} as const;

export default defineConfig({
  test: {
    ...shared,
    // Runs once per run, whichever projects run: a run that leaves temp files or processes fails.
    globalSetup: ['./test/setup/leftover-guard.ts'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { ...shared, name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
