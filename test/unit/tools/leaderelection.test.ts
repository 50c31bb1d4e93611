// Leader election config rules (client-go's validation) in table form, and the release of a lock
// whose last renew landed without an answer.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import {
  type LeaderElectionRecord,
  LeaderElectionConfigError,
  LeaderElector,
  type ResourceLock,
  validateLeaderElectionConfig,
} from '../../../src/tools/leaderelection/index.js';

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

/** A lock with optimistic concurrency as a Lease has: updates based on a stale read conflict. */
class VersionedLock implements ResourceLock {
  stored: { record: LeaderElectionRecord; version: number } | undefined;
  private readVersion = 0;
  updates = 0;
  /** Runs after an update was stored; return 'answer lost' to fail the call although it landed. */
  afterUpdate?: (n: number) => 'answer lost' | undefined;

  constructor(private readonly id: string) {}
  identity = () => this.id;
  describe = () => 'ns/lock';
  async get() {
    if (!this.stored) return undefined;
    this.readVersion = this.stored.version;
    return { ...this.stored.record };
  }
  async create(record: LeaderElectionRecord) {
    if (this.stored) throw new StatusError({ code: 409, reason: 'AlreadyExists' });
    this.stored = { record, version: 1 };
    this.readVersion = 1;
  }
  async update(record: LeaderElectionRecord) {
    if (!this.stored || this.stored.version !== this.readVersion)
      throw new StatusError({ code: 409, reason: 'Conflict' });
    this.stored = { record, version: this.stored.version + 1 };
    if (this.afterUpdate?.(++this.updates) === 'answer lost') throw new DOMException('aborted', 'AbortError');
    this.readVersion = this.stored.version;
  }
}

describe('releaseOnCancel', () => {
  const timings = { leaseDuration: 2000, renewDeadline: 1500, retryPeriod: 400 };

  it('releases the lock although the renew cut off by the abort landed without an answer', async () => {
    const lock = new VersionedLock('a');
    const ac = new AbortController();
    lock.afterUpdate = (n) => {
      if (n > 1) return undefined;
      ac.abort(); // the first renew is stored, then the candidate stops before its answer arrives
      return 'answer lost';
    };
    const le = new LeaderElector({ lock, ...timings, releaseOnCancel: true, callbacks });
    await le.run(ac.signal);
    expect(lock.stored?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(le.isLeader()).toBe(false);
  });

  it('leaves the lock alone when another candidate holds it by the time of the release', async () => {
    const lock = new VersionedLock('a');
    const ac = new AbortController();
    lock.afterUpdate = () => {
      const record = { ...lock.stored!.record, holderIdentity: 'b' };
      lock.stored = { record, version: lock.stored!.version + 1 };
      ac.abort();
      return 'answer lost';
    };
    const le = new LeaderElector({ lock, ...timings, releaseOnCancel: true, callbacks });
    await le.run(ac.signal);
    expect(lock.stored?.record.holderIdentity).toBe('b');
    expect(le.getLeader()).toBe('b');
  });
});
