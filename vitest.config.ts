import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: process.env.CI
      ? ['default', 'junit', './test/harness/summary-reporter.ts']
      : ['default', './test/harness/summary-reporter.ts'],
    outputFile: { junit: './reports/junit.xml' },
    projects: [
      {
        extends: true,
        // The property tests (mutated manifests, the generator check) take seconds of CPU; on a busy
        // 2-core machine the 5 s default fails them for load, not for a fault.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
