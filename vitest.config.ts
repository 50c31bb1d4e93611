// Test runner configuration: a fast `unit` project and an `integration` project that shares one
// real control plane (etcd + kube-apiserver, started by envtest in the global setup) per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One shared apiserver on 2 cores: keep the number of concurrent files modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
