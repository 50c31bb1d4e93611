// Leader election config rules (client-go's validation) in table form.
import { describe, expect, it } from 'vitest';
import { LeaderElectionConfigError, validateLeaderElectionConfig } from '../../../src/tools/leaderelection/index.js';

const lock = (id = 'me') => ({
  identity: () => id,
  describe: () => 'ns/x',
  get: async () => undefined,
  create: async () => {},
  update: async () => {},
});
const callbacks = { onStartedLeading: () => {}, onStoppedLeading: () => {} };

describe('leader election config', () => {
  it.each([
    [{ leaseDuration: 15000, renewDeadline: 10000, retryPeriod: 2000 }, undefined],
    [
      { leaseDuration: 10000, renewDeadline: 10000, retryPeriod: 2000 },
      'leaseDuration must be greater than renewDeadline',
    ],
    [
      { leaseDuration: 15000, renewDeadline: 2400, retryPeriod: 2000 },
      'renewDeadline must be greater than retryPeriod*JitterFactor',
    ],
    [{ leaseDuration: 15000, renewDeadline: 10000, retryPeriod: 0 }, 'retryPeriod must be greater than zero'],
  ])('%j -> %s', (timings, error) => {
    const check = () => validateLeaderElectionConfig({ lock: lock(), callbacks, ...timings });
    if (error) expect(check).toThrow(new LeaderElectionConfigError(error));
    else expect(check).not.toThrow();
  });

  it('requires an identity and both callbacks', () => {
    expect(() =>
      validateLeaderElectionConfig({ lock: lock(''), callbacks, leaseDuration: 3, renewDeadline: 2, retryPeriod: 1 }),
    ).toThrow(/identity is empty/);
    expect(() =>
      validateLeaderElectionConfig({
        lock: lock(),
        callbacks: { onStartedLeading: () => {} } as never,
        leaseDuration: 3,
        renewDeadline: 2,
        retryPeriod: 1,
      }),
    ).toThrow(/onStoppedLeading/);
  });
});
