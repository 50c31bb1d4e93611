// Leader election as client-go's tools/leaderelection: candidates compete for a lock; the holder
// renews it every retryPeriod and gives up leadership when it cannot renew within renewDeadline;
// others take over once the lease has not been renewed for leaseDuration by their own clock.
import { globalLogger } from '../../util/log/global.js';
import { jitter, sleep } from '../../util/wait/backoff.js';
import type { LeaderElectionRecord, ResourceLock } from './resource-lock.js';

/** client-go's JitterFactor for acquire retries. */
export const JITTER_FACTOR = 1.2;

/**
 * client-go's usual timings in milliseconds: lease 15 s, renew deadline 10 s, retry 2 s.
 *
 * @example
 * new LeaderElector({ lock, ...DEFAULT_LEADER_ELECTION_TIMINGS, callbacks });
 */
export const DEFAULT_LEADER_ELECTION_TIMINGS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

/**
 * Callbacks of a candidate.
 *
 * @example
 * const callbacks: LeaderCallbacks = {
 *   onStartedLeading: (signal) => runControllers(signal),
 *   onStoppedLeading: () => console.log('no longer leading'),
 *   onNewLeader: (id) => console.log('leader is', id),
 * };
 */
export interface LeaderCallbacks {
  /** Runs while leading; `signal` aborts when leadership is lost or the election stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once leadership ends (also when it never started, as client-go does on exit). */
  onStoppedLeading(): void;
  /** Called when a new leader (possibly this candidate) is observed. */
  onNewLeader?(identity: string): void;
}

/**
 * Configuration of a candidate. Every duration is in milliseconds and named with `Ms`, like the
 * rest of the API; `leaseDuration`, `renewDeadline` and `retryPeriod` (0.1 names, also in ms) are
 * deprecated aliases that still work for one minor version; a deprecated name that is set wins over
 * its `Ms` name, so `{ ...DEFAULT_LEADER_ELECTION_TIMINGS, leaseDuration: 30_000 }` keeps its
 * meaning.
 *
 * @example
 * const config: LeaderElectionConfig = {
 *   lock: new LeaseLock(cs.coordinationV1.leases('default'), 'my-controller', identity),
 *   leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000,
 *   releaseOnCancel: true,
 *   callbacks: { onStartedLeading: (signal) => run(signal), onStoppedLeading: () => {} },
 * };
 */
export interface LeaderElectionConfig {
  /** The lock candidates compete for (a {@link LeaseLock}). */
  lock: ResourceLock;
  /**
   * How long non-leaders wait after the last observed renewal before they try to take over
   * (client-go's LeaseDuration; 15_000 usual). Written into the Lease as whole seconds.
   */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before it gives up leading (client-go's RenewDeadline; 10_000 usual). */
  renewDeadlineMs?: number;
  /** Pause between tries to acquire or renew (client-go's RetryPeriod; 2_000 usual; acquire pauses are jittered by 1.2). */
  retryPeriodMs?: number;
  /** @deprecated Use `leaseDurationMs` (same value, in ms); this alias goes away in the next minor version. */
  leaseDuration?: number;
  /** @deprecated Use `renewDeadlineMs` (same value, in ms); this alias goes away in the next minor version. */
  renewDeadline?: number;
  /** @deprecated Use `retryPeriodMs` (same value, in ms); this alias goes away in the next minor version. */
  retryPeriod?: number;
  callbacks: LeaderCallbacks;
  /** Release the lock when the signal aborts, so another candidate takes over at once. */
  releaseOnCancel?: boolean;
  /** For messages. */
  name?: string;
}

/** The three timings of a config in ms, the deprecated names resolved (missing ones are 0 and fail validation). */
interface Timings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

function timingsOf(c: LeaderElectionConfig): Timings {
  return {
    leaseDurationMs: c.leaseDuration ?? c.leaseDurationMs ?? 0,
    renewDeadlineMs: c.renewDeadline ?? c.renewDeadlineMs ?? 0,
    retryPeriodMs: c.retryPeriod ?? c.retryPeriodMs ?? 0,
  };
}

/**
 * The configuration breaks client-go's rules.
 *
 * @example
 * try { new LeaderElector(config); } catch (err) { if (err instanceof LeaderElectionConfigError) console.error(err.message); }
 */
export class LeaderElectionConfigError extends Error {
  override readonly name = 'LeaderElectionConfigError';
}

/**
 * Checks client-go's rules: leaseDurationMs > renewDeadlineMs > 1.2 x retryPeriodMs > 0, callbacks
 * and lock set, identity not empty.
 *
 * @example
 * validateLeaderElectionConfig({ lock, ...DEFAULT_LEADER_ELECTION_TIMINGS, callbacks }); // throws LeaderElectionConfigError
 */
export function validateLeaderElectionConfig(c: LeaderElectionConfig): void {
  const t = timingsOf(c);
  if (!(t.leaseDurationMs > t.renewDeadlineMs))
    throw new LeaderElectionConfigError('leaseDurationMs must be greater than renewDeadlineMs');
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) {
    throw new LeaderElectionConfigError('renewDeadlineMs must be greater than retryPeriodMs*JitterFactor');
  }
  if (t.leaseDurationMs < 1) throw new LeaderElectionConfigError('leaseDurationMs must be greater than zero');
  if (t.renewDeadlineMs < 1) throw new LeaderElectionConfigError('renewDeadlineMs must be greater than zero');
  if (t.retryPeriodMs < 1) throw new LeaderElectionConfigError('retryPeriodMs must be greater than zero');
  if (!c.callbacks?.onStartedLeading) throw new LeaderElectionConfigError('onStartedLeading callback must not be nil');
  if (!c.callbacks?.onStoppedLeading) throw new LeaderElectionConfigError('onStoppedLeading callback must not be nil');
  if (!c.lock) throw new LeaderElectionConfigError('lock must not be nil');
  if (!c.lock.identity()) throw new LeaderElectionConfigError('lock identity is empty');
}

/**
 * One candidate.
 *
 * @example
 * const le = new LeaderElector({ lock, ...DEFAULT_LEADER_ELECTION_TIMINGS, releaseOnCancel: true, callbacks });
 * await le.run(signal);
 */
export class LeaderElector {
  private observedRecord: LeaderElectionRecord | undefined;
  private observedTime = 0;
  private reportedLeader = '';

  /** The timings in ms, deprecated names resolved. */
  private readonly timings: Timings;

  constructor(readonly config: LeaderElectionConfig) {
    validateLeaderElectionConfig(config);
    this.timings = timingsOf(config);
  }

  /** True while this candidate holds the lock (by its last observation). */
  isLeader(): boolean {
    return this.observedRecord?.holderIdentity === this.config.lock.identity();
  }

  /** The identity of the last observed leader ('' when none). */
  getLeader(): string {
    return this.observedRecord?.holderIdentity ?? '';
  }

  /** Times a different leader took the lock, as recorded in it. */
  leaderTransitions(): number {
    return this.observedRecord?.leaderTransitions ?? 0;
  }

  /**
   * Health for a liveness probe: fails when this candidate leads but has not renewed for longer
   * than leaseDurationMs + `toleranceMs` (a stuck leader should be restarted).
   *
   * @example
   * const err = elector.check(20_000); // undefined while healthy
   */
  check(toleranceMs = 0): Error | undefined {
    if (!this.isLeader()) return undefined;
    const since = Date.now() - this.observedTime;
    if (since > this.timings.leaseDurationMs + toleranceMs) {
      return new Error(`failed election to renew leadership on lease ${this.config.lock.describe()}`);
    }
    return undefined;
  }

  /**
   * Competes until elected, leads until leadership is lost or the signal aborts; resolves once
   * onStartedLeading's promise has settled and onStoppedLeading ran.
   */
  async run(signal: AbortSignal): Promise<void> {
    try {
      if (!(await this.acquire(signal))) return;
      const leading = new AbortController();
      const onAbort = () => leading.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const work = Promise.resolve()
        .then(() => this.config.callbacks.onStartedLeading(leading.signal))
        .catch((err: unknown) => globalLogger.error(`leaderelection: onStartedLeading failed: ${String(err)}`));
      await this.renew(signal);
      leading.abort(new Error('leadership lost'));
      signal.removeEventListener('abort', onAbort);
      await work; // let the leader's work wind down (drain) before reporting the stop
    } finally {
      this.config.callbacks.onStoppedLeading();
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(jitter(this.timings.retryPeriodMs, JITTER_FACTOR), signal).catch(() => {});
    }
    return false;
  }

  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // Each round has renewDeadline in all, as client-go's timeout context: the deadline also cuts
      // off a request that does not answer and the pause between tries.
      const round = new AbortController();
      const stop = () => round.abort(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      const timer = setTimeout(() => round.abort(new Error('renew deadline exceeded')), this.timings.renewDeadlineMs);
      let renewed = false;
      try {
        while (!round.signal.aborted) {
          if (await this.tryAcquireOrRenew(round.signal)) {
            renewed = true;
            break;
          }
          await sleep(this.timings.retryPeriodMs, round.signal).catch(() => {});
        }
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', stop);
      }
      if (!renewed) break; // lost (or stopping)
      await sleep(this.timings.retryPeriodMs, signal).catch(() => {});
    }
    if (signal.aborted && this.config.releaseOnCancel) await this.release();
  }

  /**
   * Gives the lock up (holder '' and a 1 s lease) if this candidate holds it. The lock is read
   * first, as client-go does: a renew cut off by the abort may have been applied even
   * though its answer never came, and an update based on the read before it would conflict.
   * Resolves to false when the lock could not be released (others then wait out the lease).
   */
  async release(): Promise<boolean> {
    if (!this.isLeader()) return true;
    const signal = AbortSignal.timeout(this.timings.renewDeadlineMs);
    const lock = this.config.lock;
    try {
      const current = await lock.get(signal);
      if (!current) return false;
      if (current.holderIdentity !== lock.identity()) {
        this.setObserved(current); // someone else holds it by now: nothing to give up
        return true;
      }
      const now = new Date();
      const record: LeaderElectionRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaderTransitions: current.leaderTransitions,
      };
      await lock.update(record, signal);
      this.setObserved(record);
      return true;
    } catch {
      return false;
    }
  }

  private setObserved(record: LeaderElectionRecord): void {
    this.observedRecord = record;
    this.observedTime = Date.now();
    if (record.holderIdentity && record.holderIdentity !== this.reportedLeader) {
      this.reportedLeader = record.holderIdentity;
      this.config.callbacks.onNewLeader?.(record.holderIdentity);
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const lock = this.config.lock;
    const id = lock.identity();
    const now = new Date();
    const desired: LeaderElectionRecord = {
      holderIdentity: id,
      leaseDurationSeconds: Math.round(this.timings.leaseDurationMs / 1000) || 1,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 0,
    };
    let current: LeaderElectionRecord | undefined;
    try {
      current = await lock.get(signal);
    } catch {
      return false;
    }
    if (!current) {
      try {
        await lock.create(desired, signal);
        this.setObserved(desired);
        return true;
      } catch {
        return false;
      }
    }
    if (!sameRecord(current, this.observedRecord)) {
      this.observedRecord = current;
      this.observedTime = Date.now();
      if (current.holderIdentity && current.holderIdentity !== this.reportedLeader) {
        this.reportedLeader = current.holderIdentity;
        this.config.callbacks.onNewLeader?.(current.holderIdentity);
      }
    }
    const leaseMs = (current.leaseDurationSeconds || 0) * 1000;
    if (current.holderIdentity !== '' && current.holderIdentity !== id && this.observedTime + leaseMs > Date.now()) {
      return false; // held by another, not expired by our clock
    }
    if (current.holderIdentity === id) {
      desired.acquireTime = current.acquireTime;
      desired.leaderTransitions = current.leaderTransitions;
    } else {
      desired.leaderTransitions = current.leaderTransitions + 1;
    }
    try {
      await lock.update(desired, signal);
    } catch {
      return false;
    }
    this.setObserved(desired);
    return true;
  }
}

function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord | undefined): boolean {
  return (
    !!b &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.renewTime.getTime() === b.renewTime.getTime() &&
    a.acquireTime.getTime() === b.acquireTime.getTime() &&
    a.leaderTransitions === b.leaderTransitions
  );
}

/**
 * Runs one candidate until the signal aborts (client-go's RunOrDie, with typed validation errors).
 *
 * @example
 * await runLeaderElection({ lock, ...DEFAULT_LEADER_ELECTION_TIMINGS, releaseOnCancel: true, signal,
 *   callbacks: { onStartedLeading: (s) => runControllers(s), onStoppedLeading: () => console.log('stopped') } });
 */
export async function runLeaderElection(
  config: LeaderElectionConfig & { signal: AbortSignal },
): Promise<LeaderElector> {
  const le = new LeaderElector(config);
  await le.run(config.signal);
  return le;
}
