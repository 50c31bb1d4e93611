// The fault suite (npm run test:faults): its own control plane, a continuous writer and injected
// faults, kube-client and @kubernetes/client-node side by side. Separate from `npm test` (minutes).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
