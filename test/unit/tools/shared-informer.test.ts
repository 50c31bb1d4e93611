// Second round on the informer core: SharedIndexInformer, its per-handler listeners and DeltaFIFO,
// ported from what client-go's shared_informer_test.go, delta_fifo_test.go and controller_test.go pin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { KubeList } from '../../../src/apimachinery/meta.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import {
  type Delta,
  DeletedFinalStateUnknown,
  DeltaFIFO,
  FIFOClosedError,
  filteringHandler,
  type KeyListerGetter,
  type ListerWatcher,
  type ResourceEventHandler,
  type ResourceEventHandlerRegistration,
  SharedIndexInformer,
} from '../../../src/tools/cache/index.js';
import type { ProcessorListener } from '../../../src/tools/cache/processor-listener.js';
import { FakeClock } from '../../../src/util/wait/clock.js';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: string;
}
const mk = (name: string, rv: string, data = '', labels?: Record<string, string>): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, ...(labels ? { labels } : {}) },
  data,
});

/**
 * An in-memory endpoint for one resource: list answers with copies of the current objects, changes
 * go to the live watch unless told not to (then only a relist sees them).
 */
class FakeSource implements ListerWatcher<Obj> {
  rv = 0;
  readonly objects = new Map<string, Obj>();
  readonly watchers: FakeWatch<Obj>[] = [];
  lists = 0;
  listErrors: Error[] = [];
  watchErrors: Error[] = [];
  listGate: Promise<void> | undefined;

  async list(): Promise<KubeList<Obj>> {
    this.lists++;
    if (this.listGate) await this.listGate;
    const err = this.listErrors.shift();
    if (err) throw err;
    return {
      metadata: { resourceVersion: String(this.rv) },
      items: [...this.objects.values()].map((o) => structuredClone(o)),
    };
  }

  async watch(): Promise<FakeWatch<Obj>> {
    const err = this.watchErrors.shift();
    if (err) throw err;
    const w = new FakeWatch<Obj>();
    this.watchers.push(w);
    return w;
  }

  get watcher(): FakeWatch<Obj> | undefined {
    return this.watchers[this.watchers.length - 1];
  }

  /** Creates or changes an object under a new resourceVersion. */
  put(name: string, data = '', broadcast = true): Obj {
    const existed = this.objects.has(name);
    const o = mk(name, String(++this.rv), data);
    this.objects.set(name, o);
    if (broadcast && existed) this.watcher?.modify(o);
    else if (broadcast) this.watcher?.add(o);
    return o;
  }

  /** Deletes an object; returns its final state (a new resourceVersion). */
  remove(name: string, broadcast = true): Obj {
    const last = this.objects.get(name)!;
    const final = { ...last, metadata: { ...last.metadata, resourceVersion: String(++this.rv) } };
    this.objects.delete(name);
    if (broadcast) this.watcher?.delete(final);
    return final;
  }

  /** Ends the live watch with 410 Gone: the reflector relists. */
  expire(): void {
    this.watcher?.error({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
  }
}

const fastBackoff = { backoffManager: { backoff: () => 5 } };
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Lets every pending promise chain run (setImmediate is never faked here). */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};
async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const end = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await realSleep(5);
  }
}
function startInformer(inf: SharedIndexInformer<Obj>) {
  const ac = new AbortController();
  const done = inf.run(ac.signal);
  return {
    ac,
    done,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

/**
 * Records notifications as lines: "add a (initial)", "update a 1->4", "update a (same rv)" (relist of
 * an unchanged object), "resync a" (old === new), "delete a", "delete tombstone ns/a".
 */
function recorder() {
  const log: string[] = [];
  const handler: ResourceEventHandler<Obj> = {
    onAdd: (o, initial) => void log.push(`add ${o.metadata.name}${initial ? ' (initial)' : ''}`),
    onUpdate: (o, n) => {
      const name = n.metadata.name;
      if (o === n) log.push(`resync ${name}`);
      else if (o.metadata.resourceVersion === n.metadata.resourceVersion) log.push(`update ${name} (same rv)`);
      else log.push(`update ${name} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`);
    },
    onDelete: (o) =>
      void log.push(o instanceof DeletedFinalStateUnknown ? `delete tombstone ${o.key}` : `delete ${o.metadata.name}`),
  };
  return { log, handler };
}
const periodOf = (r: ResourceEventHandlerRegistration) => (r as ProcessorListener<Obj>).resyncPeriodMs;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('SharedIndexInformer: handlers joining a running informer', () => {
  it('a late handler gets the cache as initial adds, then live events; its registration syncs only after those adds ran', async () => {
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const early = recorder();
    const earlyReg = inf.addEventHandler(early.handler);
    expect(inf.hasSynced()).toBe(false);
    expect(earlyReg.hasSynced()).toBe(false);
    const run = startInformer(inf);
    await until(() => earlyReg.hasSynced() && src.watcher !== undefined);

    const blocked = gate();
    const late = recorder();
    const lateReg = inf.addEventHandler({
      ...late.handler,
      onAdd: async (o, initial) => {
        await blocked.wait;
        late.handler.onAdd?.(o, initial);
      },
    });
    expect(inf.hasSynced()).toBe(true);
    expect(lateReg.hasSynced()).toBe(false);
    await realSleep(20);
    expect(lateReg.hasSynced()).toBe(false);
    blocked.open();
    await until(() => lateReg.hasSynced(), 'late registration synced');

    src.put('c');
    src.put('a', 'x');
    src.remove('b');
    const expected = ['add a (initial)', 'add b (initial)', 'add c', 'update a 1->4', 'delete b'];
    await until(() => late.log.length === 5 && early.log.length === 5);
    expect(late.log).toEqual(expected);
    expect(early.log).toEqual(expected);
    await run.stop();
  });

  it('a handler added after start but before the first list lands gets that list flagged as initial', async () => {
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const listing = gate();
    src.listGate = listing.wait;
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const run = startInformer(inf);
    await realSleep(10);
    const rec = recorder();
    const reg = inf.addEventHandler(rec.handler);
    expect(rec.log).toEqual([]);
    expect(reg.hasSynced()).toBe(false);
    src.listGate = undefined;
    listing.open();
    await until(() => reg.hasSynced());
    expect(rec.log).toEqual(['add a (initial)', 'add b (initial)']);
    await run.stop();
  });
});

describe('SharedIndexInformer: resync periods', () => {
  const HOUR = 3_600_000;
  it.each<[string, number, Array<number | undefined>, Array<number | undefined>, number[]]>([
    [
      'periods given before start are kept; the smallest is the check period, which later handlers cannot go below',
      12 * HOUR,
      [0, 60_000, 55_000, 5_000],
      [1_000, 7_000],
      [0, 60_000, 55_000, 5_000, 5_000, 7_000],
    ],
    ['periods under one second are raised to one second', 300, [undefined, 200, 0], [500], [1_000, 1_000, 0, 1_000]],
    [
      'an informer started without any resync ignores the periods of later handlers',
      0,
      [0],
      [5_000, undefined],
      [0, 0, 0],
    ],
    [
      'a period given before start turns resync on even with an informer default of 0',
      0,
      [3_000],
      [2_000, 10_000],
      [3_000, 3_000, 10_000],
    ],
    [
      'handlers without a period take the informer default',
      10_000,
      [undefined],
      [undefined, 20_000],
      [10_000, 10_000, 20_000],
    ],
  ])('%s', async (_name, informerDefault, before, after, expected) => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const inf = new SharedIndexInformer<Obj>(new FakeSource(), {
      resyncPeriodMs: informerDefault,
      reflector: fastBackoff,
    });
    const regs = before.map((p) => inf.addEventHandler({}, p));
    const run = startInformer(inf);
    regs.push(...after.map((p) => inf.addEventHandler({}, p)));
    await run.stop();
    expect(regs.map(periodOf)).toEqual(expected);
  });

  it('each handler is resynced (old === new) on its own period, only when due; a period-0 handler never is', async () => {
    const clock = new FakeClock();
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const inf = new SharedIndexInformer<Obj>(src, { resyncPeriodMs: 1_000, reflector: fastBackoff, clock });
    const got: Record<string, string[]> = {};
    for (const [name, period] of [
      ['never', 0],
      ['every2s', 2_000],
      ['every3s', 3_000],
    ] as const) {
      const rec = recorder();
      got[name] = rec.log;
      inf.addEventHandler(rec.handler, period);
    }
    const run = startInformer(inf);
    await settle();
    for (const log of Object.values(got)) log.length = 0; // the initial adds
    const timeline: string[] = [];
    for (let s = 1; s <= 6; s++) {
      await clock.advance(1_000);
      await settle();
      const who = Object.entries(got).filter(([, log]) => log.length > 0);
      timeline.push(`${s}s: ${who.map(([n, log]) => `${n}=${log.join(',')}`).join(' ')}`);
      for (const log of Object.values(got)) log.length = 0;
    }
    expect(timeline).toEqual([
      '1s: ',
      '2s: every2s=resync a,resync b',
      '3s: every3s=resync a,resync b',
      '4s: every2s=resync a,resync b',
      '5s: ',
      '6s: every2s=resync a,resync b every3s=resync a,resync b',
    ]);
    await run.stop();
  });

  it.each<[string, boolean, string[], string[]]>([
    [
      'before the first resync check every handler is in the syncing set',
      false,
      ['update a (same rv)', 'update b 2->4', 'add c'],
      ['update a (same rv)', 'update b 2->4', 'add c'],
    ],
    [
      'after a check where only the 1 s handler was due, only it gets unchanged objects',
      true,
      ['update b 2->4', 'add c'],
      ['update a (same rv)', 'update b 2->4', 'add c'],
    ],
  ])('a relist after a watch disruption: %s', async (_name, checkFirst, noResyncLog, resyncLog) => {
    const clock = new FakeClock();
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const inf = new SharedIndexInformer<Obj>(src, { resyncPeriodMs: 1_000, reflector: fastBackoff, clock });
    const noResync = recorder();
    const resync = recorder();
    inf.addEventHandler(noResync.handler, 0);
    inf.addEventHandler(resync.handler, 1_000);
    const run = startInformer(inf);
    await settle();
    expect(noResync.log).toEqual(['add a (initial)', 'add b (initial)']);
    if (checkFirst) {
      await clock.advance(1_000);
      await settle();
      expect(resync.log.slice(2)).toEqual(['resync a', 'resync b']);
    }
    noResync.log.length = 0;
    resync.log.length = 0;
    src.put('c', '', false); // rv 3, seen by the relist only
    src.put('b', 'changed', false); // rv 4
    src.expire();
    await settle();
    await clock.advance(5); // the reflector's backoff before relisting
    await settle();
    expect(src.lists).toBe(2);
    expect(noResync.log).toEqual(noResyncLog);
    expect(resync.log).toEqual(resyncLog);
    expect(inf.hasSynced()).toBe(true);
    await run.stop();
  });
});

describe('SharedIndexInformer: removing handlers', () => {
  it('removeEventHandler stops delivery to that handler only; removing again or through another informer does nothing', async () => {
    const src = new FakeSource();
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const other = new SharedIndexInformer<Obj>(new FakeSource(), { reflector: fastBackoff });
    const kept = recorder();
    const removed = recorder();
    const keptReg = inf.addEventHandler(kept.handler);
    const removedReg = inf.addEventHandler(removed.handler);
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && keptReg.hasSynced() && removedReg.hasSynced());
    src.put('a');
    await until(() => removed.log.length === 1 && kept.log.length === 1);
    inf.removeEventHandler(removedReg);
    inf.removeEventHandler(removedReg);
    other.removeEventHandler(keptReg);
    src.put('b');
    src.remove('a');
    await until(() => kept.log.length === 3);
    await realSleep(20);
    expect(removed.log).toEqual(['add a']);
    expect(kept.log).toEqual(['add a', 'add b', 'delete a']);
    expect(removedReg.hasSynced()).toBe(true);
    await run.stop();
  });

  it('a handler removed before its initial adds were delivered gets no more of them and never reports synced', async () => {
    const src = new FakeSource();
    for (const n of ['a', 'b', 'c']) src.put(n);
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const blocked = gate();
    let calls = 0;
    const reg = inf.addEventHandler({
      onAdd: async () => {
        calls++;
        await blocked.wait;
      },
    });
    const otherReg = inf.addEventHandler({});
    const run = startInformer(inf);
    await until(() => otherReg.hasSynced() && calls === 1);
    inf.removeEventHandler(reg);
    blocked.open();
    await realSleep(20);
    expect(calls).toBe(1);
    expect(reg.hasSynced()).toBe(false);
    expect(inf.hasSynced()).toBe(true);
    await run.stop();
  });
});

describe('SharedIndexInformer: delivery', () => {
  it('a stalled handler buffers without bound and then catches up in order; other handlers are not held back', async () => {
    const src = new FakeSource();
    src.put('a');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const blocked = gate();
    const slow: string[] = [];
    const fast: string[] = [];
    const slowReg = inf.addEventHandler({
      onAdd: async () => {
        await blocked.wait;
        slow.push('add');
      },
      onUpdate: (_o, n) => void slow.push(n.metadata.resourceVersion!),
    });
    inf.addEventHandler({
      onAdd: () => void fast.push('add'),
      onUpdate: (_o, n) => void fast.push(n.metadata.resourceVersion!),
    });
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && fast.length === 1);
    for (let i = 0; i < 2000; i++) src.put('a', String(i));
    await until(() => fast.length === 2001, 'fast handler got every update');
    expect(fast).toEqual(['add', ...Array.from({ length: 2000 }, (_, i) => String(i + 2))]);
    expect(slow).toEqual([]);
    expect((slowReg as ProcessorListener<Obj>).backlog).toBe(2000);
    expect(slowReg.hasSynced()).toBe(false);
    blocked.open();
    await until(() => slow.length === 2001, 'slow handler caught up');
    expect(slow).toEqual(fast);
    expect(slowReg.hasSynced()).toBe(true);
    await run.stop();
  });

  it.each<[string, 'add' | 'update' | 'delete', boolean]>([
    ['onAdd throws on an initial-list item', 'add', false],
    ['onUpdate rejects asynchronously', 'update', true],
    ['onDelete throws', 'delete', false],
  ])(
    '%s: the error is reported once, and that handler and the others keep getting every event',
    async (_n, kind, async) => {
      const src = new FakeSource();
      src.put('a');
      const errors: unknown[] = [];
      const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff, handleError: (e) => errors.push(e) });
      const failing = recorder();
      const healthy = recorder();
      const boom = new Error(`${kind} handler bug`);
      const wrap =
        <A extends unknown[]>(k: typeof kind, f: ((...args: A) => unknown) | undefined) =>
        (...args: A) => {
          f?.(...args);
          const name = ((k === 'update' ? args[1] : args[0]) as Obj).metadata.name;
          if (k !== kind || name !== 'a') return undefined;
          if (async) return Promise.reject(boom);
          throw boom;
        };
      const reg = inf.addEventHandler({
        onAdd: wrap('add', failing.handler.onAdd),
        onUpdate: wrap('update', failing.handler.onUpdate),
        onDelete: wrap('delete', failing.handler.onDelete),
      } as ResourceEventHandler<Obj>);
      inf.addEventHandler(healthy.handler);
      const run = startInformer(inf);
      await until(() => src.watcher !== undefined && reg.hasSynced());
      src.put('b');
      src.put('a', 'x');
      src.remove('a');
      src.put('c');
      await until(() => failing.log.length === 5 && healthy.log.length === 5);
      expect(failing.log).toEqual(['add a (initial)', 'add b', 'update a 1->3', 'delete a', 'add c']);
      expect(healthy.log).toEqual(failing.log);
      expect(errors).toEqual([boom]);
      await run.stop();
    },
  );
});

describe('SharedIndexInformer: transform, watch errors, indexers', () => {
  it('the transform runs before objects are cached and before handlers see them: list, watch events and relists', async () => {
    const src = new FakeSource();
    src.put('a', 'payload');
    const transformed: string[] = [];
    const inf = new SharedIndexInformer<Obj>(src, {
      reflector: fastBackoff,
      transform: (o) => {
        transformed.push(`${o.metadata.name}@${o.metadata.resourceVersion}`);
        return { metadata: { ...o.metadata, labels: { slim: 'yes' } } };
      },
    });
    const seen: Obj[] = [];
    const deleted: Array<Obj | DeletedFinalStateUnknown<Obj>> = [];
    inf.addEventHandler({
      onAdd: (o) => void seen.push(o),
      onUpdate: (o, n) => void seen.push(o, n),
      onDelete: (o) => void deleted.push(o),
    });
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && inf.hasSynced());
    src.put('b', 'payload'); // 2
    src.put('a', 'payload'); // 3
    src.remove('b'); // 4
    await until(() => deleted.length === 1);
    const cachedA = inf.getStore().getByKey('ns/a')!;
    src.remove('a', false); // 5, missed
    src.put('c', 'payload', false); // 6
    src.expire();
    await until(() => deleted.length === 2 && seen.length === 5);
    const slim = (o: Obj) => o.data === undefined && o.metadata.labels?.slim === 'yes';
    expect(seen.every(slim)).toBe(true);
    expect(slim(deleted[0] as Obj)).toBe(true);
    const tombstone = deleted[1] as DeletedFinalStateUnknown<Obj>;
    expect(tombstone).toBeInstanceOf(DeletedFinalStateUnknown);
    expect(tombstone.obj).toBe(cachedA);
    expect(slim(cachedA)).toBe(true);
    expect(inf.getStore().list().every(slim)).toBe(true);
    expect(transformed).toEqual(['a@1', 'b@2', 'a@3', 'b@4', 'c@6']);
    await run.stop();
  });

  it.each<[string, (src: FakeSource) => void, ((src: FakeSource) => void) | undefined]>([
    ['the list fails', (src) => src.listErrors.push(new Error('Access Denied')), undefined],
    [
      'the watch request fails',
      (src) => src.watchErrors.push(new StatusError({ code: 403, reason: 'Forbidden', message: 'Access Denied' })),
      undefined,
    ],
    [
      'the watch sends an ERROR event',
      () => {},
      (src) => src.watcher?.error({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'Access Denied' }),
    ],
  ])(
    'setWatchErrorHandler: the last handler set is called when %s, and the informer recovers',
    async (_n, arm, trigger) => {
      const src = new FakeSource();
      src.put('a');
      arm(src);
      const fromOptions: unknown[] = [];
      const replaced: unknown[] = [];
      const errors: unknown[] = [];
      const inf = new SharedIndexInformer<Obj>(src, {
        reflector: { ...fastBackoff, watchErrorHandler: (e) => fromOptions.push(e) },
      });
      inf.setWatchErrorHandler((e) => replaced.push(e));
      inf.setWatchErrorHandler((e) => errors.push(e));
      const run = startInformer(inf);
      if (trigger) {
        await until(() => src.watcher !== undefined);
        trigger(src);
      }
      await until(() => errors.length === 1);
      expect((errors[0] as Error).message).toContain('Access Denied');
      expect(fromOptions).toEqual([]);
      expect(replaced).toEqual([]);
      await until(() => inf.hasSynced() && src.watcher !== undefined && !src.watcher.isClosed);
      expect(inf.getStore().listKeys()).toEqual(['ns/a']);
      await run.stop();
    },
  );

  it.each<[string, (inf: SharedIndexInformer<Obj>) => void]>([
    ['setWatchErrorHandler', (inf) => inf.setWatchErrorHandler(() => {})],
    ['addIndexers', (inf) => inf.addIndexers({ byData: (o) => [(o as Obj).data ?? ''] })],
  ])('%s works before start and is refused once started', async (_n, call) => {
    const src = new FakeSource();
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    call(inf);
    const run = startInformer(inf);
    expect(() => call(inf)).toThrow(/informer has already started/);
    await run.stop();
    expect(() => call(inf)).toThrow(/informer has already started/);
  });

  it('indexers added before start index what the informer caches', async () => {
    const src = new FakeSource();
    src.put('a', 'red');
    src.put('b', 'blue');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    inf.addIndexers({ byData: (o) => [(o as Obj).data ?? ''] });
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && inf.hasSynced());
    src.put('b', 'red');
    await until(() => inf.getIndexer().byIndex('byData', 'red').length === 2);
    expect(inf.getIndexer().byIndex('byData', 'blue')).toEqual([]);
    await run.stop();
  });
});

describe('SharedIndexInformer: deletions, stop and resourceVersion', () => {
  it('a watched deletion hands handlers the final state; one missed while the watch was down, a tombstone with the cached state', async () => {
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const deleted: Array<Obj | DeletedFinalStateUnknown<Obj>> = [];
    const rec = recorder();
    inf.addEventHandler({ ...rec.handler, onDelete: (o) => void deleted.push(o) });
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && inf.hasSynced());
    const finalA = src.remove('a');
    await until(() => deleted.length === 1);
    expect(deleted[0]).toBe(finalA);
    expect(finalA.metadata.resourceVersion).toBe('3');

    const cachedB = inf.getStore().getByKey('ns/b');
    src.remove('b', false);
    src.expire();
    await until(() => deleted.length === 2);
    expect(deleted[1]).toEqual(new DeletedFinalStateUnknown('ns/b', cachedB));
    expect((deleted[1] as DeletedFinalStateUnknown<Obj>).obj).toBe(cachedB);
    expect(inf.getStore().listKeys()).toEqual([]);

    await until(() => src.watchers.length === 2);
    src.watcher?.delete(mk('ghost', '99')); // never seen: not delivered
    src.put('z');
    await until(() => rec.log.includes('add z'));
    expect(deleted).toHaveLength(2);
    await run.stop();
  });

  it('run resolves once the signal aborts: pending notifications are dropped, new handlers and a second run are refused', async () => {
    const src = new FakeSource();
    src.put('a');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    const blocked = gate();
    const got: string[] = [];
    const reg = inf.addEventHandler({
      onAdd: async (o) => {
        got.push(o.metadata.name);
        await blocked.wait;
      },
    });
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && got.length === 1);
    expect(inf.isStarted()).toBe(true);
    src.put('b');
    src.put('c');
    await until(() => (reg as ProcessorListener<Obj>).backlog === 2);
    run.ac.abort();
    await run.done;
    expect(inf.isStarted()).toBe(false);
    expect(src.watcher?.isClosed).toBe(true);
    blocked.open();
    await realSleep(20);
    expect(got).toEqual(['a']);
    expect(() => inf.addEventHandler({})).toThrow(/was not added to shared informer because it has stopped already/);
    expect(() => inf.removeEventHandler(reg)).not.toThrow();
    await expect(inf.run(new AbortController().signal)).rejects.toThrow(/already started/);
  });

  it('an informer run with an already aborted signal returns without listing', async () => {
    const src = new FakeSource();
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    await inf.run(AbortSignal.abort());
    expect(src.lists).toBe(0);
    expect(inf.hasSynced()).toBe(false);
    expect(inf.isStarted()).toBe(false);
  });

  it('lastSyncResourceVersion follows the list, watch events, bookmarks and relists', async () => {
    const src = new FakeSource();
    src.put('a');
    src.put('b');
    const inf = new SharedIndexInformer<Obj>(src, { reflector: fastBackoff });
    expect(inf.lastSyncResourceVersion()).toBe('');
    const rec = recorder();
    inf.addEventHandler(rec.handler);
    const run = startInformer(inf);
    await until(() => src.watcher !== undefined && inf.hasSynced());
    expect(inf.lastSyncResourceVersion()).toBe('2');
    src.put('c');
    await until(() => rec.log.length === 3);
    expect(inf.lastSyncResourceVersion()).toBe('3');
    src.watcher?.bookmark({ metadata: { name: '', resourceVersion: '10' } });
    await until(() => inf.lastSyncResourceVersion() === '10');
    src.rv = 20;
    src.expire();
    await until(() => src.lists === 2 && src.watchers.length === 2);
    expect(inf.lastSyncResourceVersion()).toBe('20');
    await run.stop();
  });
});

describe('filteringHandler', () => {
  const web = { app: 'web' };
  const isWeb = (o: Obj | DeletedFinalStateUnknown<Obj>) =>
    (o instanceof DeletedFinalStateUnknown ? o.obj : o)?.metadata.labels?.app === 'web';
  it.each<[string, (h: ResourceEventHandler<Obj>) => void, string[]]>([
    [
      'add of a match passes isInInitialList through',
      (h) => h.onAdd?.(mk('a', '1', '', web), true),
      ['add a (initial)'],
    ],
    ['add of a non-match is dropped', (h) => h.onAdd?.(mk('a', '1'), false), []],
    ['update within the filter', (h) => h.onUpdate?.(mk('a', '1', '', web), mk('a', '2', '', web)), ['update a 1->2']],
    ['update that starts matching becomes an add', (h) => h.onUpdate?.(mk('a', '1'), mk('a', '2', '', web)), ['add a']],
    [
      'update that stops matching becomes a delete of the old object',
      (h) => h.onUpdate?.(mk('a', '1', '', web), mk('a', '2')),
      ['delete a'],
    ],
    ['update outside the filter is dropped', (h) => h.onUpdate?.(mk('a', '1'), mk('a', '2')), []],
    ['delete of a match', (h) => h.onDelete?.(mk('a', '1', '', web)), ['delete a']],
    [
      'delete of a tombstone goes through the filter as the tombstone',
      (h) => h.onDelete?.(new DeletedFinalStateUnknown('ns/a', mk('a', '1', '', web))),
      ['delete tombstone ns/a'],
    ],
  ])('%s', (_n, call, expected) => {
    const rec = recorder();
    call(filteringHandler(isWeb, rec.handler));
    expect(rec.log).toEqual(expected);
  });
});

describe('DeltaFIFO (client-go delta_fifo_test.go)', () => {
  const describeDelta = (d: Delta<Obj>) => {
    const o = d.object;
    if (o instanceof DeletedFinalStateUnknown)
      return `${d.type} tombstone(${o.obj?.metadata.name}@${o.obj?.metadata.resourceVersion})`;
    return `${d.type} ${o.metadata.name}@${o.metadata.resourceVersion}`;
  };
  const popAll = async (f: DeltaFIFO<Obj>) => {
    const out: string[][] = [];
    while (f.length > 0) out.push((await f.pop(() => {})).map(describeDelta));
    return out;
  };
  const known = (...objs: Obj[]): KeyListerGetter<Obj> => ({
    listKeys: () => objs.map((o) => `ns/${o.metadata.name}`),
    getByKey: (k) => objs.find((o) => `ns/${o.metadata.name}` === k),
  });
  const foo = mk('foo', '2');
  const fooV2 = mk('foo', '3');

  describe.each([
    ['with an (empty) knownObjects', true],
    ['without knownObjects', false],
  ])('Replace deletes objects that are only queued, %s', (_k, withKnown) => {
    it.each<[string, boolean, (f: DeltaFIFO<Obj>) => void, string[]]>([
      [
        'an added object',
        false,
        (f) => {
          f.add(foo);
          f.replace([], '0');
        },
        ['Added foo@2', 'Deleted tombstone(foo@2)'],
      ],
      [
        'a replaced object gets a single delete',
        true,
        (f) => {
          f.add(foo);
          f.replace([foo], '0');
          f.replace([], '0');
        },
        ['Added foo@2', 'Replaced foo@2', 'Deleted tombstone(foo@2)'],
      ],
      [
        'a deleted object keeps its real deletion',
        false,
        (f) => {
          f.add(foo);
          f.delete(foo);
          f.replace([], '0');
        },
        ['Added foo@2', 'Deleted foo@2'],
      ],
      [
        'synced objects get a single delete',
        false,
        (f) => {
          f.add(foo);
          f.replace([foo], '0');
          f.replace([foo], '0');
          f.replace([], '0');
        },
        ['Added foo@2', 'Sync foo@2', 'Sync foo@2', 'Deleted tombstone(foo@2)'],
      ],
      [
        'two Replaces in a row give one delete',
        false,
        (f) => {
          f.add(foo);
          f.replace([], '0');
          f.replace([], '1');
        },
        ['Added foo@2', 'Deleted tombstone(foo@2)'],
      ],
      [
        'added, deleted and added again: the tombstone has the newest state',
        false,
        (f) => {
          f.add(foo);
          f.delete(foo);
          f.add(fooV2);
          f.replace([], '0');
        },
        ['Added foo@2', 'Deleted foo@2', 'Added foo@3', 'Deleted tombstone(foo@3)'],
      ],
    ])('%s', async (_n, emitDeltaTypeReplaced, ops, expected) => {
      const f = new DeltaFIFO<Obj>({ emitDeltaTypeReplaced, ...(withKnown ? { knownObjects: known() } : {}) });
      ops(f);
      expect(await popAll(f)).toEqual([expected]);
      expect(f.listKeys()).toEqual([]);
    });
  });

  it.each<[string, boolean, (f: DeltaFIFO<Obj>) => void, string[][]]>([
    [
      'a queued deletion stays; a key only in the cache gets a tombstone with the cached state',
      false,
      (f) => {
        f.delete(mk('baz', '10'));
        f.replace([mk('foo', '5')], '0');
      },
      [['Deleted baz@10'], ['Sync foo@5'], ['Deleted tombstone(bar@6)']],
    ],
    [
      'a queued add gets a tombstone with the queued state, not the cached one',
      false,
      (f) => {
        f.add(mk('baz', '10'));
        f.replace([mk('foo', '5')], '0');
      },
      [['Added baz@10', 'Deleted tombstone(baz@10)'], ['Sync foo@5'], ['Deleted tombstone(bar@6)']],
    ],
    [
      'deleted and re-added in the queue: the tombstone carries the newest queued object',
      false,
      (f) => {
        f.delete(mk('bar', '6'));
        f.add(mk('bar', '100'));
        f.replace([mk('foo', '5')], '0');
      },
      [['Deleted bar@6', 'Added bar@100', 'Deleted tombstone(bar@100)'], ['Sync foo@5'], ['Deleted tombstone(baz@7)']],
    ],
    [
      'an object of an earlier Replace is what the tombstone carries',
      false,
      (f) => {
        f.replace([mk('bar', '100'), mk('foo', '5')], '0');
        f.replace([mk('foo', '5')], '0');
      },
      [['Sync bar@100', 'Deleted tombstone(bar@100)'], ['Sync foo@5', 'Sync foo@5'], ['Deleted tombstone(baz@7)']],
    ],
    [
      'with emitDeltaTypeReplaced the listed objects are Replaced',
      true,
      (f) => {
        f.delete(mk('baz', '10'));
        f.replace([mk('foo', '6')], '0');
      },
      [['Deleted baz@10'], ['Replaced foo@6'], ['Deleted tombstone(bar@6)']],
    ],
    [
      'a Replace after a queued deletion of the same key appends the listed state',
      false,
      (f) => {
        f.delete(mk('foo', '5'));
        f.replace([mk('foo', '6'), mk('bar', '6'), mk('baz', '7')], '0');
      },
      [['Deleted foo@5', 'Sync foo@6'], ['Sync bar@6'], ['Sync baz@7']],
    ],
  ])('Replace with knownObjects: %s', async (_n, emitDeltaTypeReplaced, ops, expected) => {
    const f = new DeltaFIFO<Obj>({
      emitDeltaTypeReplaced,
      knownObjects: known(mk('foo', '5'), mk('bar', '6'), mk('baz', '7')),
    });
    ops(f);
    expect(await popAll(f)).toEqual(expected);
  });

  it.each<[string, (f: DeltaFIFO<Obj>) => void, string[][]]>([
    [
      'two deletions in a row keep the first one',
      (f) => {
        f.add(mk('a', '1'));
        f.delete(mk('a', '2'));
        f.delete(mk('a', '3'));
      },
      [['Added a@1', 'Deleted a@2']],
    ],
    [
      'deletions apart from each other are all kept',
      (f) => {
        f.add(mk('a', '1'));
        f.delete(mk('a', '2'));
        f.add(mk('a', '3'));
        f.delete(mk('a', '4'));
      },
      [['Added a@1', 'Deleted a@2', 'Added a@3', 'Deleted a@4']],
    ],
    [
      'a deletion of an object neither queued nor known is ignored',
      (f) => {
        f.delete(mk('nope', '1'));
      },
      [],
    ],
  ])('dedup and order: %s', async (_n, ops, expected) => {
    const f = new DeltaFIFO<Obj>();
    ops(f);
    expect(await popAll(f)).toEqual(expected);
  });

  it('a key popped and queued again goes behind the keys already waiting', async () => {
    const f = new DeltaFIFO<Obj>();
    f.add(mk('foo', '10'));
    f.add(mk('bar', '1'));
    f.add(mk('foo', '13'));
    f.add(mk('zab', '30'));
    expect((await f.pop(() => {})).map(describeDelta)).toEqual(['Added foo@10', 'Added foo@13']);
    f.add(mk('foo', '14'));
    expect(await popAll(f)).toEqual([['Added bar@1'], ['Added zab@30'], ['Added foo@14']]);
  });

  it.each<[string, (f: DeltaFIFO<Obj>) => void, string[][]]>([
    ['a resync queues Sync for known objects', (f) => f.resync(), [['Sync foo@5']]],
    [
      'a resync skips an object with a queued update',
      (f) => {
        f.update(mk('foo', '6'));
        f.resync();
      },
      [['Updated foo@6']],
    ],
    [
      'a resync skips an object with a queued deletion',
      (f) => {
        f.delete(mk('foo', '10'));
        f.resync();
      },
      [['Deleted foo@10']],
    ],
  ])('%s', async (_n, ops, expected) => {
    const f = new DeltaFIFO<Obj>({ knownObjects: known(mk('foo', '5')) });
    ops(f);
    expect(await popAll(f)).toEqual(expected);
  });

  it.each<[string, KeyListerGetter<Obj> | undefined, (f: DeltaFIFO<Obj>) => Promise<unknown>, boolean]>([
    ['nothing happened yet', undefined, async () => {}, false],
    ['an add came first', undefined, async (f) => f.add(mk('a', '1')), true],
    ['an empty Replace came first', undefined, async (f) => f.replace([], '0'), true],
    [
      'a Replace listing one key twice needs one pop',
      undefined,
      async (f) => {
        f.replace([mk('a', '1'), mk('a', '2')], '0');
        await f.pop(() => {});
      },
      true,
    ],
    [
      'the deletions of the first Replace count: two of three pops',
      known(mk('foo', '5'), mk('bar', '6'), mk('baz', '7')),
      async (f) => {
        f.replace([mk('foo', '5')], '0');
        await f.pop(() => {});
        await f.pop(() => {});
      },
      false,
    ],
    [
      'the deletions of the first Replace count: three of three pops',
      known(mk('foo', '5'), mk('bar', '6'), mk('baz', '7')),
      async (f) => {
        f.replace([mk('foo', '5')], '0');
        for (let i = 0; i < 3; i++) await f.pop(() => {});
      },
      true,
    ],
    [
      'a later Replace does not unsync',
      undefined,
      async (f) => {
        f.replace([], '0');
        f.replace([mk('a', '1'), mk('b', '1')], '1');
      },
      true,
    ],
  ])('hasSynced: %s', async (_n, knownObjects, ops, synced) => {
    const f = new DeltaFIFO<Obj>(knownObjects ? { knownObjects } : {});
    await ops(f);
    expect(f.hasSynced()).toBe(synced);
  });

  it('every pending pop is woken: each gets an item as items arrive, the rest reject once closed', async () => {
    const f = new DeltaFIFO<Obj>();
    const pops = [1, 2, 3].map(() =>
      f
        .pop(() => {})
        .then(
          (d) => f.keyOf(d),
          (e: unknown) => (e instanceof FIFOClosedError ? 'closed' : String(e)),
        ),
    );
    const popAllResult = f
      .popAll(() => {})
      .catch((e: unknown) => (e instanceof FIFOClosedError ? 'closed' : String(e)));
    await settle();
    f.add(mk('a', '1'));
    await settle();
    f.add(mk('b', '1'));
    await settle();
    f.close();
    const outcome = await Promise.race([
      Promise.all([...pops, popAllResult]),
      realSleep(500).then(() => 'some pop never returned'),
    ]);
    expect(Array.isArray(outcome)).toBe(true);
    const results = outcome as Array<string | number>;
    expect(results.filter((r) => r === 'closed')).toHaveLength(2);
    expect(results.filter((r) => r !== 'closed')).toHaveLength(2);
    expect(f.length).toBe(0);
  });
});
