// LeaderElector and LeaseLock behaviour as client-go's tools/leaderelection, on fake timers: acquiring,
// renewing, stepping down, callbacks, health checks, jittered retries, and the Lease fields written.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isConflict, StatusError } from '../../../src/apimachinery/errors.js';
import type { ResourceClient } from '../../../src/client/index.js';
import {
  JITTER_FACTOR,
  type LeaderCallbacks,
  type LeaderElectionConfig,
  type LeaderElectionRecord,
  LeaderElector,
  LeaderElectionConfigError,
  type Lease,
  LeaseLock,
  type ResourceLock,
  runLeaderElection,
} from '../../../src/tools/leaderelection/index.js';

const T0 = Date.UTC(2024, 4, 1, 10, 20, 30, 123);
const timings = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 400 };

/** Advances the fake clock to `ms` after the start of the test, running due timers and promises. */
async function at(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(T0 + ms - Date.now());
}

type Op = 'get' | 'create' | 'update';
type Fault = 'reject' | 'hang' | undefined;

/** The stored lock object shared by the candidates of a test, with a version for optimistic concurrency. */
class Store {
  entry: { record: LeaderElectionRecord; version: number } | undefined;
  put(record: LeaderElectionRecord): void {
    this.entry = { record: { ...record }, version: (this.entry?.version ?? 0) + 1 };
  }
  /** What another process does when it holds the lock and renews it now. */
  renewBy(holderIdentity: string, leaderTransitions = this.entry?.record.leaderTransitions ?? 0): void {
    const now = new Date();
    this.put({ holderIdentity, leaseDurationSeconds: 2, acquireTime: now, renewTime: now, leaderTransitions });
  }
}

/** One candidate's view of the store: updates based on a stale read conflict; faults can be injected. */
class MemLock implements ResourceLock {
  calls: Op[] = [];
  fault: (op: Op) => Fault = () => undefined;
  private readVersion = 0;

  constructor(
    readonly store: Store,
    private readonly id: string,
  ) {}
  identity = () => this.id;
  describe = () => 'ns/lock';

  private async enter(op: Op, signal?: AbortSignal): Promise<void> {
    this.calls.push(op);
    const fault = this.fault(op);
    if (fault === 'reject') throw new StatusError({ code: 500, reason: 'InternalError' });
    if (fault === 'hang') {
      // A request that never answers; only its signal ends it, as with a real client.
      await new Promise((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }
  async get(signal?: AbortSignal) {
    await this.enter('get', signal);
    const e = this.store.entry;
    if (!e) return undefined;
    this.readVersion = e.version;
    return { ...e.record };
  }
  async create(record: LeaderElectionRecord, signal?: AbortSignal) {
    await this.enter('create', signal);
    if (this.store.entry) throw new StatusError({ code: 409, reason: 'AlreadyExists' });
    this.store.put(record);
    this.readVersion = this.store.entry!.version;
  }
  async update(record: LeaderElectionRecord, signal?: AbortSignal) {
    await this.enter('update', signal);
    if (this.store.entry?.version !== this.readVersion) throw new StatusError({ code: 409, reason: 'Conflict' });
    this.store.put(record);
    this.readVersion = this.store.entry!.version;
  }
}

/** Starts a candidate's run and records what it reports. */
function start(
  lock: ResourceLock,
  opts: { callbacks?: Partial<LeaderCallbacks>; config?: Partial<LeaderElectionConfig>; signal?: AbortSignal } = {},
) {
  const ac = new AbortController();
  const events: string[] = [];
  const state = { leading: undefined as AbortSignal | undefined, settled: false };
  const callbacks = {
    onStartedLeading: vi.fn((s: AbortSignal) => {
      state.leading = s;
      events.push('started');
    }),
    onStoppedLeading: vi.fn(() => void events.push('stopped')),
    onNewLeader: vi.fn((id: string) => void events.push(`new leader ${id}`)),
  };
  const le = new LeaderElector({ lock, ...timings, callbacks: { ...callbacks, ...opts.callbacks }, ...opts.config });
  const done = le.run(opts.signal ?? ac.signal).then(() => {
    state.settled = true;
  });
  return { le, ac, callbacks, events, state, done };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  vi.spyOn(Math, 'random').mockReturnValue(0); // acquire retries every retryPeriodMs unless a test says otherwise
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('LeaderElector: acquiring', () => {
  it('creates the lock when it does not exist and leads at once', async () => {
    const store = new Store();
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    expect(c.le.isLeader()).toBe(false);
    expect(c.le.getLeader()).toBe('');
    expect(c.le.leaderTransitions()).toBe(0);
    await at(0);
    // Created, then renewed at once as the renew loop starts (client-go's wait.Until runs immediately).
    expect(lock.calls).toEqual(['get', 'create', 'get', 'update']);
    expect(store.entry?.record).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 2,
      acquireTime: new Date(T0),
      renewTime: new Date(T0),
      leaderTransitions: 0,
    });
    expect(c.callbacks.onStartedLeading).toHaveBeenCalledTimes(1);
    expect(c.state.leading?.aborted).toBe(false);
    expect(c.le.isLeader()).toBe(true);
    expect(c.le.getLeader()).toBe('me');
    expect(c.le.check()).toBeUndefined();
    c.ac.abort();
    await c.done;
  });

  // The holder's renewTime is never compared with the local clock: a candidate waits the record's
  // lease duration from the moment it first saw the record (as it stands) on its own clock.
  it.each<[string, Partial<LeaderElectionRecord>, number]>([
    ['renewed an hour ago by its own clock', { renewTime: new Date(T0 - 3_600_000) }, 2000],
    ['renewed an hour in the future (skewed clock)', { renewTime: new Date(T0 + 3_600_000) }, 2000],
    ['with a 5 s lease in the record (config says 2 s)', { leaseDurationSeconds: 5 }, 5200],
    ['released (no holder)', { holderIdentity: '' }, 0],
  ])('takes over a lock held by another, %s, once expired by its own observation', async (_, over, leaderAt) => {
    const store = new Store();
    store.put({
      holderIdentity: 'other',
      leaseDurationSeconds: 2,
      acquireTime: new Date(T0 - 3_600_000),
      renewTime: new Date(T0),
      leaderTransitions: 3,
      ...over,
    });
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    if (leaderAt > 0) {
      await at(leaderAt - 1);
      expect(c.le.isLeader()).toBe(false);
      expect(c.callbacks.onStartedLeading).not.toHaveBeenCalled();
      expect(lock.calls).not.toContain('update');
      expect(store.entry?.record.holderIdentity).toBe(over.holderIdentity ?? 'other');
    }
    await at(leaderAt);
    expect(c.le.isLeader()).toBe(true);
    expect(c.callbacks.onStartedLeading).toHaveBeenCalledTimes(1);
    expect(store.entry?.record).toMatchObject({ holderIdentity: 'me', leaderTransitions: 4 });
    expect(store.entry?.record.acquireTime).toEqual(new Date(T0 + leaderAt));
    expect(c.le.leaderTransitions()).toBe(4);
    c.ac.abort();
    await c.done;
  });

  it('never takes over while the holder keeps renewing', async () => {
    const store = new Store();
    store.renewBy('other');
    const renewing = setInterval(() => store.renewBy('other'), 1000);
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    await at(10_000);
    expect(c.le.isLeader()).toBe(false);
    expect(c.le.getLeader()).toBe('other');
    expect(lock.calls).not.toContain('update');
    expect(c.callbacks.onStartedLeading).not.toHaveBeenCalled();
    expect(c.callbacks.onNewLeader.mock.calls).toEqual([['other']]);
    clearInterval(renewing);
    c.ac.abort();
    await c.done;
  });

  it.each([
    [0, timings.retryPeriodMs],
    [0.5, timings.retryPeriodMs * (1 + 0.5 * JITTER_FACTOR)],
    [0.99, timings.retryPeriodMs * (1 + 0.99 * JITTER_FACTOR)],
  ])('retries acquiring after a jittered pause (random %s -> %s ms)', async (random, pause) => {
    expect(JITTER_FACTOR).toBe(1.2);
    vi.mocked(Math.random).mockReturnValue(random);
    const store = new Store();
    store.renewBy('other');
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    await at(0);
    expect(lock.calls).toEqual(['get']);
    await at(Math.floor(pause) - 1);
    expect(lock.calls).toEqual(['get']);
    await at(Math.ceil(pause));
    expect(lock.calls).toEqual(['get', 'get']);
    await at(Math.floor(2 * pause) - 1);
    expect(lock.calls).toEqual(['get', 'get']);
    await at(Math.ceil(2 * pause));
    expect(lock.calls).toEqual(['get', 'get', 'get']);
    c.ac.abort();
    await c.done;
  });

  it('lets exactly one of two candidates win a lock that does not exist yet', async () => {
    const store = new Store();
    const a = start(new MemLock(store, 'a'));
    const b = start(new MemLock(store, 'b'));
    await at(3000);
    expect([a.le.isLeader(), b.le.isLeader()]).toEqual([true, false]);
    expect(b.le.getLeader()).toBe('a');
    expect(b.callbacks.onStartedLeading).not.toHaveBeenCalled();
    a.ac.abort(); // stops without releasing: b waits out the lease from its last sighting of a renew
    await a.done;
    await at(3000 + timings.leaseDurationMs + 2 * timings.retryPeriodMs);
    expect(b.le.isLeader()).toBe(true);
    expect(store.entry?.record).toMatchObject({ holderIdentity: 'b', leaderTransitions: 1 });
    b.ac.abort();
    await b.done;
  });
});

describe('LeaderElector: leading', () => {
  it('renews every retryPeriodMs (without jitter), keeping acquireTime and leaderTransitions', async () => {
    vi.mocked(Math.random).mockReturnValue(0.9);
    const store = new Store();
    store.put({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: new Date(0),
      renewTime: new Date(0),
      leaderTransitions: 7,
    });
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    await at(0);
    expect(store.entry?.record.leaderTransitions).toBe(8);
    const updates = () => lock.calls.filter((op) => op === 'update').length;
    expect(updates()).toBe(2); // the takeover, then the renew loop's immediate first round
    for (let i = 1; i <= 5; i++) {
      await at(i * timings.retryPeriodMs - 1);
      expect(updates()).toBe(i + 1);
      await at(i * timings.retryPeriodMs);
      expect(updates()).toBe(i + 2);
      expect(store.entry?.record).toEqual({
        holderIdentity: 'me',
        leaseDurationSeconds: 2,
        acquireTime: new Date(T0),
        renewTime: new Date(T0 + i * timings.retryPeriodMs),
        leaderTransitions: 8,
      });
    }
    expect(c.le.leaderTransitions()).toBe(8);
    expect(c.callbacks.onStartedLeading).toHaveBeenCalledTimes(1);
    expect(c.callbacks.onNewLeader.mock.calls).toEqual([['me']]);
    c.ac.abort();
    await c.done;
  });

  // Acquired and renewed at 0; the renew round starting at retryPeriodMs (400) has until 400 + renewDeadlineMs.
  const stepDownAt = timings.retryPeriodMs + timings.renewDeadlineMs;
  it.each<[string, (lock: MemLock, store: Store) => void]>([
    ['the get fails', (lock) => (lock.fault = (op) => (op === 'get' ? 'reject' : undefined))],
    ['the update fails', (lock) => (lock.fault = (op) => (op === 'update' ? 'reject' : undefined))],
    ['the get never answers', (lock) => (lock.fault = (op) => (op === 'get' ? 'hang' : undefined))],
    ['the update never answers', (lock) => (lock.fault = (op) => (op === 'update' ? 'hang' : undefined))],
    ['another candidate holds the lock', (_, store) => store.renewBy('other')],
  ])('steps down when it cannot renew within renewDeadlineMs: %s', async (_, breakIt) => {
    const store = new Store();
    const lock = new MemLock(store, 'me');
    const c = start(lock);
    await at(200);
    expect(c.le.isLeader()).toBe(true);
    breakIt(lock, store);
    await at(stepDownAt - 1);
    expect(c.state.leading?.aborted).toBe(false);
    expect(c.callbacks.onStoppedLeading).not.toHaveBeenCalled();
    await at(stepDownAt);
    expect(c.state.leading?.aborted).toBe(true);
    expect(c.callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
    expect(c.state.settled).toBe(true);
    expect(c.events.filter((e) => e === 'started' || e === 'stopped')).toEqual(['started', 'stopped']);
    await at(stepDownAt + 5000);
    expect(c.callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
    expect(c.callbacks.onStartedLeading).toHaveBeenCalledTimes(1);
  });

  it('aborts the leading signal and keeps the lock when stopped without releaseOnCancel', async () => {
    const store = new Store();
    const c = start(new MemLock(store, 'me'));
    await at(1000);
    c.ac.abort(new Error('shutting down'));
    await c.done;
    expect(c.state.leading?.aborted).toBe(true);
    expect(c.callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
    expect(store.entry?.record).toMatchObject({ holderIdentity: 'me', renewTime: new Date(T0 + 800) });
  });

  it('reports each new leader identity once', async () => {
    const store = new Store();
    store.renewBy('other');
    let holder = 'other';
    const renewing = setInterval(() => store.renewBy(holder), 1000);
    const c = start(new MemLock(store, 'me'));
    await at(3000);
    holder = 'third';
    await at(6000);
    clearInterval(renewing); // 'third' dies; 'me' takes over once its lease ran out by our clock
    await at(10_000);
    expect(c.le.isLeader()).toBe(true);
    expect(c.callbacks.onNewLeader.mock.calls).toEqual([['other'], ['third'], ['me']]);
    expect(c.le.leaderTransitions()).toBe(1);
    c.ac.abort();
    await c.done;
  });
});

describe('LeaderElector: check', () => {
  it('passes for a follower and for a leader that renews', async () => {
    const store = new Store();
    store.renewBy('other');
    const follower = start(new MemLock(store, 'f'));
    await at(0);
    expect(follower.le.check()).toBeUndefined();
    follower.ac.abort();
    await follower.done;

    const leader = start(new MemLock(new Store(), 'me'));
    await at(60_000);
    expect(leader.le.isLeader()).toBe(true);
    expect(leader.le.check()).toBeUndefined();
    leader.ac.abort();
    await leader.done;
  });

  it('fails for a leader whose renewals stalled, beyond leaseDurationMs + tolerance', async () => {
    const lock = new MemLock(new Store(), 'me');
    const c = start(lock);
    await at(100);
    lock.fault = () => 'hang';
    const tolerance = 500;
    await at(timings.leaseDurationMs + tolerance);
    expect(c.le.isLeader()).toBe(true); // by its last observation
    expect(c.le.check(tolerance)).toBeUndefined();
    await at(timings.leaseDurationMs + tolerance + 1);
    expect(c.le.check(tolerance)?.message).toMatch(/failed election to renew leadership on lease ns\/lock/);
    expect(c.le.check(60_000)).toBeUndefined();
    expect(c.le.check()).toBeInstanceOf(Error);
  });
});

describe('LeaderElector.run', () => {
  it.each<[string, (c: ReturnType<typeof start>) => void, (lock: MemLock) => void]>([
    ['aborted before run', () => {}, () => {}],
    ['aborted while the lock is held by another', (c) => c.ac.abort(), () => {}],
    ['aborted during a get that never answers', (c) => c.ac.abort(), (lock) => (lock.fault = () => 'hang')],
  ])('calls onStoppedLeading once although leadership never started: %s', async (name, stop, setup) => {
    const store = new Store();
    store.renewBy('other');
    const lock = new MemLock(store, 'me');
    setup(lock);
    const pre = new AbortController();
    if (name === 'aborted before run') pre.abort();
    const c = start(lock, name === 'aborted before run' ? { signal: pre.signal } : {});
    await at(1000);
    stop(c);
    await at(1000);
    expect(c.state.settled).toBe(true);
    expect(c.callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
    expect(c.callbacks.onStartedLeading).not.toHaveBeenCalled();
    if (name === 'aborted before run') expect(lock.calls).toEqual([]);
  });

  it('resolves only after the promise of onStartedLeading settled, then calls onStoppedLeading', async () => {
    const events: string[] = [];
    const c = start(new MemLock(new Store(), 'me'), {
      callbacks: {
        onStartedLeading: async (signal) => {
          events.push('started');
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          events.push('leading signal aborted');
          await new Promise((resolve) => setTimeout(resolve, 300)); // drains its work
          events.push('work done');
        },
        onStoppedLeading: () => void events.push('stopped'),
      },
    });
    await at(1000);
    c.ac.abort();
    await at(1299);
    expect(c.state.settled).toBe(false);
    expect(events).toEqual(['started', 'leading signal aborted']);
    await at(1300);
    expect(c.state.settled).toBe(true);
    expect(events).toEqual(['started', 'leading signal aborted', 'work done', 'stopped']);
  });

  it('still resolves and calls onStoppedLeading when onStartedLeading fails', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const c = start(new MemLock(new Store(), 'me'), {
      callbacks: {
        onStartedLeading: () => {
          throw new Error('boom');
        },
      },
    });
    await at(500);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('boom'));
    c.ac.abort();
    await c.done;
    expect(c.callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
  });

  it('runLeaderElection validates, runs until the signal aborts and resolves with the elector', async () => {
    const ac = new AbortController();
    const callbacks = { onStartedLeading: vi.fn(), onStoppedLeading: vi.fn() };
    const lock = new MemLock(new Store(), 'me');
    await expect(
      runLeaderElection({
        lock,
        ...timings,
        leaseDurationMs: 1000,
        renewDeadlineMs: 1500,
        callbacks,
        signal: ac.signal,
      }),
    ).rejects.toThrow(LeaderElectionConfigError);
    const running = runLeaderElection({ lock, ...timings, callbacks, signal: ac.signal });
    await at(1000);
    expect(callbacks.onStartedLeading).toHaveBeenCalledTimes(1);
    ac.abort();
    const le = await running;
    expect(le).toBeInstanceOf(LeaderElector);
    expect(le.getLeader()).toBe('me');
    expect(callbacks.onStoppedLeading).toHaveBeenCalledTimes(1);
  });
});

/** A stand-in for the typed Lease client with the calls LeaseLock makes, and a server's resourceVersion checks. */
class FakeLeases {
  readonly ns = 'kube-system';
  objects = new Map<string, Lease>();
  calls: { verb: string; signal: AbortSignal | undefined; resourceVersion?: string }[] = [];
  private rv = 100;
  failGet?: StatusError;

  async get(name: string, opts?: { signal?: AbortSignal }): Promise<Lease> {
    this.calls.push({ verb: 'get', signal: opts?.signal });
    if (this.failGet) throw this.failGet;
    const obj = this.objects.get(name);
    if (!obj) throw new StatusError({ code: 404, reason: 'NotFound', message: `leases "${name}" not found` });
    return structuredClone(obj);
  }
  async create(obj: Lease, opts?: { signal?: AbortSignal }): Promise<Lease> {
    this.calls.push({ verb: 'create', signal: opts?.signal });
    const name = obj.metadata?.name ?? '';
    if (this.objects.has(name)) throw new StatusError({ code: 409, reason: 'AlreadyExists' });
    return this.store(obj);
  }
  async update(obj: Lease, opts?: { signal?: AbortSignal }): Promise<Lease> {
    const resourceVersion = obj.metadata?.resourceVersion;
    this.calls.push({ verb: 'update', signal: opts?.signal, resourceVersion });
    const current = this.objects.get(obj.metadata?.name ?? '');
    if (!current) throw new StatusError({ code: 404, reason: 'NotFound' });
    if (resourceVersion !== current.metadata?.resourceVersion) throw new StatusError({ code: 409, reason: 'Conflict' });
    return this.store(obj);
  }
  /** Stores an object as the server would, with a new resourceVersion. */
  store(obj: Lease): Lease {
    const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(stored.metadata.name ?? '', stored);
    return structuredClone(stored);
  }
}

const leaseLock = (leases: FakeLeases, id = 'me') =>
  new LeaseLock(leases as unknown as ResourceClient<Lease>, 'my-controller', id);

describe('LeaseLock', () => {
  const record: LeaderElectionRecord = {
    holderIdentity: 'me',
    leaseDurationSeconds: 15,
    acquireTime: new Date(T0),
    renewTime: new Date(T0 + 2000),
    leaderTransitions: 2,
  };

  it('resolves get of a missing Lease to undefined and rethrows other errors', async () => {
    const leases = new FakeLeases();
    const lock = leaseLock(leases);
    await expect(lock.get()).resolves.toBeUndefined();
    leases.failGet = new StatusError({ code: 500, reason: 'InternalError' });
    await expect(lock.get()).rejects.toBe(leases.failGet);
  });

  it('creates a Lease with the record in its spec, times as MicroTime (6 fractional digits)', async () => {
    const leases = new FakeLeases();
    await leaseLock(leases).create(record);
    const lease = leases.objects.get('my-controller');
    expect(lease).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    expect(lease?.metadata?.name).toBe('my-controller');
    expect(lease?.spec).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: '2024-05-01T10:20:30.123000Z',
      renewTime: '2024-05-01T10:20:32.123000Z',
      leaseTransitions: 2,
    });
  });

  it.each<[string, Lease['spec'], LeaderElectionRecord]>([
    [
      'a full spec with microsecond times',
      {
        holderIdentity: 'go-candidate',
        leaseDurationSeconds: 10,
        acquireTime: '2024-05-01T10:20:30.123456Z',
        renewTime: '2024-05-01T10:20:31.999999Z',
        leaseTransitions: 5,
      },
      {
        holderIdentity: 'go-candidate',
        leaseDurationSeconds: 10,
        acquireTime: new Date(T0),
        renewTime: new Date(T0 + 1876),
        leaderTransitions: 5,
      },
    ],
    [
      'an empty spec',
      {},
      {
        holderIdentity: '',
        leaseDurationSeconds: 0,
        acquireTime: new Date(0),
        renewTime: new Date(0),
        leaderTransitions: 0,
      },
    ],
  ])('reads the record from %s', async (_, spec, expected) => {
    const leases = new FakeLeases();
    leases.store({ metadata: { name: 'my-controller' }, spec });
    await expect(leaseLock(leases).get()).resolves.toEqual(expected);
  });

  it('updates with the resourceVersion of the last read, so a concurrent write conflicts', async () => {
    const leases = new FakeLeases();
    const mine = leaseLock(leases, 'me');
    const theirs = leaseLock(leases, 'them');
    await expect(mine.update(record)).rejects.toThrow(/call get or create first/);
    await mine.create(record);
    const created = leases.objects.get('my-controller')!.metadata!.resourceVersion;
    await mine.update({ ...record, renewTime: new Date(T0 + 4000) });
    expect(leases.calls.at(-1)?.resourceVersion).toBe(created);
    expect(leases.objects.get('my-controller')?.spec?.renewTime).toBe('2024-05-01T10:20:34.123000Z');

    await theirs.get();
    await mine.get();
    await theirs.update({ ...record, holderIdentity: 'them' });
    const conflict = await mine.update({ ...record, renewTime: new Date(T0 + 6000) }).catch((e: unknown) => e);
    expect(isConflict(conflict)).toBe(true);
    expect(leases.objects.get('my-controller')?.spec?.holderIdentity).toBe('them');
    await expect(mine.get()).resolves.toMatchObject({ holderIdentity: 'them' });
    await mine.update(record); // based on the fresh read
    expect(leases.objects.get('my-controller')?.spec?.holderIdentity).toBe('me');
  });

  it('passes the signal to every call and describes itself as namespace/name', async () => {
    const leases = new FakeLeases();
    const lock = leaseLock(leases);
    const signal = new AbortController().signal;
    await lock.get(signal);
    await lock.create(record, signal);
    await lock.update(record, signal);
    expect(leases.calls.map((c) => [c.verb, c.signal])).toEqual([
      ['get', signal],
      ['create', signal],
      ['update', signal],
    ]);
    expect(lock.identity()).toBe('me');
    expect(lock.describe()).toBe('kube-system/my-controller');
  });

  it('carries an election between two candidates on one Lease', async () => {
    const leases = new FakeLeases();
    const a = start(leaseLock(leases, 'a'));
    const b = start(leaseLock(leases, 'b'));
    await at(2000);
    expect([a.le.isLeader(), b.le.isLeader()]).toEqual([true, false]);
    expect(leases.objects.get('my-controller')?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 2,
      renewTime: '2024-05-01T10:20:32.123000Z',
    });
    a.ac.abort();
    await a.done;
    await at(2000 + timings.leaseDurationMs + 2 * timings.retryPeriodMs);
    expect(b.le.isLeader()).toBe(true);
    expect(leases.objects.get('my-controller')?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    b.ac.abort();
    await b.done;
  });
});
