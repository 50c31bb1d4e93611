// Test runner configuration: a fast `unit` project and an `integration` project that shares one
// real control plane (etcd + kube-apiserver, started by envtest in the global setup) per run.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Examples and docs import the package by name ('kube-client/controller'): tests run them on the
// sources, as tsconfig.json's paths type-check them.
const src = fileURLToPath(new URL('./src/', import.meta.url));
const resolve = {
  alias: [
    { find: /^kube-client$/, replacement: `${src}index.ts` },
    { find: /^kube-client\/(.+)$/, replacement: `${src}$1/index.ts` },
  ],
};

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve,
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
