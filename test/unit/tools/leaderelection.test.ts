// Leader election config rules (client-go's validation) in table form, and the release of a lock
// whose last renew landed without an answer.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import {
  DEFAULT_LEADER_ELECTION_TIMINGS,
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
    [{ leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 2000 }, undefined],
    [
      { leaseDurationMs: 10000, renewDeadlineMs: 10000, retryPeriodMs: 2000 },
      'leaseDurationMs must be greater than renewDeadlineMs',
    ],
    [
      { leaseDurationMs: 15000, renewDeadlineMs: 2400, retryPeriodMs: 2000 },
      'renewDeadlineMs must be greater than retryPeriodMs*JitterFactor',
    ],
    [{ leaseDurationMs: 15000, renewDeadlineMs: 10000, retryPeriodMs: 0 }, 'retryPeriodMs must be greater than zero'],
  ])('%j -> %s', (timings, error) => {
    const check = () => validateLeaderElectionConfig({ lock: lock(), callbacks, ...timings });
    if (error) expect(check).toThrow(new LeaderElectionConfigError(error));
    else expect(check).not.toThrow();
  });

  it.each([
    ['the deprecated names alone', { leaseDuration: 15000, renewDeadline: 10000, retryPeriod: 2000 }, undefined],
    [
      'a deprecated name over the defaults (it wins)',
      { ...DEFAULT_LEADER_ELECTION_TIMINGS, renewDeadline: 15000 },
      'leaseDurationMs must be greater than renewDeadlineMs',
    ],
    ['no timings at all', {}, 'leaseDurationMs must be greater than renewDeadlineMs'],
    ['the defaults', DEFAULT_LEADER_ELECTION_TIMINGS, undefined],
  ])('timings: %s', (_, timings, error) => {
    const check = () => validateLeaderElectionConfig({ lock: lock(), callbacks, ...timings });
    if (error) expect(check).toThrow(new LeaderElectionConfigError(error));
    else expect(check).not.toThrow();
  });

  it('names every default timing in ms with the Ms suffix', () => {
    expect(DEFAULT_LEADER_ELECTION_TIMINGS).toEqual({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
  });

  it('requires an identity and both callbacks', () => {
    expect(() =>
      validateLeaderElectionConfig({
        lock: lock(''),
        callbacks,
        leaseDurationMs: 3,
        renewDeadlineMs: 2,
        retryPeriodMs: 1,
      }),
    ).toThrow(/identity is empty/);
    expect(() =>
      validateLeaderElectionConfig({
        lock: lock(),
        callbacks: { onStartedLeading: () => {} } as never,
        leaseDurationMs: 3,
        renewDeadlineMs: 2,
        retryPeriodMs: 1,
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
  const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 400 };

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
