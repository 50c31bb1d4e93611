// Reflector and SharedIndexInformer behaviour pinned by client-go's reflector_test.go and
// shared_informer_test.go, driven by a scripted ListerWatcher.
import { defaultMaxListeners, getMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { KubeList, ListOptions } from '../../../src/apimachinery/meta.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import {
  DeletedFinalStateUnknown,
  DeltaFIFO,
  type ListerWatcher,
  Reflector,
  SharedIndexInformer,
  waitForCacheSync,
} from '../../../src/tools/cache/index.js';
import { TransportError } from '../../../src/rest/errors.js';
import { FakeClock } from '../../../src/util/wait/clock.js';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion: string };
  data?: string;
}
const obj = (name: string, rv: string, data = ''): Obj => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  data,
});

/** A ListerWatcher whose answers the test scripts; it records the options of every call. */
class ScriptedLW implements ListerWatcher<Obj> {
  lists: ListOptions[] = [];
  watches: ListOptions[] = [];
  watchers: FakeWatch<Obj>[] = [];
  listAnswers: Array<KubeList<Obj> | Error> = [];
  watchErrors: Error[] = [];
  items: Obj[] = [];
  rv = '10';
  async list(o: ListOptions): Promise<KubeList<Obj>> {
    this.lists.push(o);
    const next = this.listAnswers.shift();
    if (next instanceof Error) throw next;
    return next ?? { metadata: { resourceVersion: this.rv }, items: this.items };
  }
  async watch(o: ListOptions): Promise<FakeWatch<Obj>> {
    this.watches.push(o);
    const err = this.watchErrors.shift();
    if (err) throw err;
    const w = new FakeWatch<Obj>();
    this.watchers.push(w);
    return w;
  }
}

const gone = () => new StatusError({ code: 410, reason: 'Expired', message: 'too old resource version' });
/** Waits in real time for a condition (for tests that run on the real clock). */
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
/**
 * Steps a fake clock 5 ms at a time (letting promise chains run in between) until `cond` holds:
 * no real time passes, and the step count bounds the fake time a condition may take.
 */
const stepUntil = async (clock: FakeClock, cond: () => boolean, maxMs = 60_000) => {
  for (let t = 0; !cond(); t += 5) {
    if (t > maxMs) throw new Error(`condition not met within ${maxMs} ms of fake time`);
    await clock.advance(5);
  }
};
const fastBackoff = { backoffManager: { backoff: () => 5 } };

describe('Reflector resourceVersion rules (on a fake clock)', () => {
  it('lists at "0", watches from the list RV, re-watches from the last event RV', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    const fifo = new DeltaFIFO<Obj>();
    const r = new Reflector<Obj>(lw, fifo, { ...fastBackoff, clock });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    expect(lw.lists[0]!.resourceVersion).toBe('0');
    expect(lw.watches[0]).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
    expect(lw.watches[0]!.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(lw.watches[0]!.timeoutSeconds).toBeLessThan(600);
    lw.watchers[0]!.add(obj('a', '11'));
    lw.watchers[0]!.bookmark(obj('', '15'));
    await clock.advance(1100); // not a "very short" watch
    lw.watchers[0]!.close(); // the server ended the watch: watch again, no relist
    await stepUntil(clock, () => lw.watchers.length === 2);
    expect(lw.watches[1]!.resourceVersion).toBe('15');
    expect(lw.lists).toHaveLength(1);
    ac.abort();
    await done;
  });

  it('relists from the last RV after a 410 ERROR event, and from "" when that list is gone too', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), { ...fastBackoff, clock });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    lw.watchers[0]!.modify(obj('a', '12'));
    lw.listAnswers.push(gone());
    lw.watchers[0]!.error({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    await stepUntil(clock, () => lw.watchers.length === 2);
    expect(lw.lists.map((o) => o.resourceVersion)).toEqual(['0', '12', '']);
    ac.abort();
    await done;
  });

  it('relists when the watch request itself is refused with 410, and keeps retrying after errors', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    lw.listAnswers.push(new Error('boom'));
    lw.watchErrors.push(gone());
    const errors: unknown[] = [];
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), {
      ...fastBackoff,
      clock,
      watchErrorHandler: (e) => errors.push(e),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(lw.lists.length).toBe(3); // failed, then ok (watch 410), then ok
    ac.abort();
    await done;
  });

  it('retries the watch without relisting on 429', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    lw.watchErrors.push(new StatusError({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 0 } }));
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), { ...fastBackoff, clock });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    expect(lw.lists).toHaveLength(1);
    expect(lw.watches).toHaveLength(2);
    ac.abort();
    await done;
  });
});

describe('Reflector timing on a fake clock', () => {
  it('backs off 800 ms to 1.6 s (jittered) after a failed list, on its clock only', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    lw.listAnswers.push(new Error('boom'));
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), { clock, watchErrorHandler: () => {} });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await clock.whenTimers(); // the backoff sleep
    expect(lw.lists).toHaveLength(1);
    await clock.advance(799);
    expect(lw.lists).toHaveLength(1);
    await clock.advance(801);
    expect(lw.lists).toHaveLength(2);
    ac.abort();
    await done;
  });

  it("waits the server's Retry-After on a 429 watch, then watches again without a relist", async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    lw.watchErrors.push(new StatusError({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } }));
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), { ...fastBackoff, clock });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await clock.whenTimers();
    await clock.advance(2_999);
    expect(lw.watches).toHaveLength(1);
    await clock.advance(1);
    expect(lw.watches).toHaveLength(2);
    expect(lw.lists).toHaveLength(1);
    ac.abort();
    await done;
  });

  it('a watch ended within 1 s of fake time without events is a "very short watch"; one that lasted 1 s is not', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    const errors: string[] = [];
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), {
      ...fastBackoff,
      clock,
      watchErrorHandler: (e) => errors.push((e as Error).message),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    await clock.advance(990); // the watch started at most 5 ms earlier
    lw.watchers[0]!.close();
    await stepUntil(clock, () => lw.watchers.length === 2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/very short watch/);
    expect(lw.lists).toHaveLength(2); // the short watch makes it relist
    await clock.advance(1_000);
    lw.watchers[1]!.close();
    await stepUntil(clock, () => lw.watchers.length === 3);
    expect(errors).toHaveLength(1);
    expect(lw.lists).toHaveLength(2);
    ac.abort();
    await done;
  });

  it.each([
    ['ECONNREFUSED code: the server is restarting, watch again without a relist', 'ECONNREFUSED', 1, 0],
    ['ECONNRESET code: an error, relist', 'ECONNRESET', 2, 1],
    ['no code, even with ECONNREFUSED in the message text: an error, relist', undefined, 2, 1],
  ])('a watch request failing with a TransportError: %s', async (_name, code, lists, errorCount) => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), code ? { code } : {});
    lw.watchErrors.push(new TransportError('GET /api/v1/x failed: ECONNREFUSED', '/api/v1/x', { cause }));
    const errors: unknown[] = [];
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), {
      ...fastBackoff,
      clock,
      watchErrorHandler: (e) => errors.push(e),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    expect(lw.lists).toHaveLength(lists);
    expect(errors).toHaveLength(errorCount);
    ac.abort();
    await done;
  });

  it('resyncs the store once per resync period of fake time, asking shouldResync each time', async () => {
    const clock = new FakeClock();
    const lw = new ScriptedLW();
    const fifo = new DeltaFIFO<Obj>();
    let resyncs = 0;
    let asked = 0;
    fifo.resync = () => void resyncs++;
    const r = new Reflector<Obj>(lw, fifo, {
      ...fastBackoff,
      clock,
      resyncPeriodMs: 1_000,
      shouldResync: () => ++asked % 2 === 1,
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    await clock.advance(4_000);
    expect(asked).toBe(4);
    expect(resyncs).toBe(2);
    ac.abort();
    await done;
  });
});

describe('SharedIndexInformer', () => {
  it('syncs, delivers add/update/delete, gives late handlers synthetic adds', async () => {
    const lw = new ScriptedLW();
    lw.items = [obj('a', '1'), obj('b', '2')];
    const inf = new SharedIndexInformer<Obj>(lw, { reflector: fastBackoff });
    const seen: string[] = [];
    const early = inf.addEventHandler({
      onAdd: (o, initial) => void seen.push(`add ${o.metadata.name} ${initial}`),
      onUpdate: (_o, n) => void seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => void seen.push(`delete ${(o as Obj).metadata.name}`),
    });
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    expect(
      await waitForCacheSync(
        ac.signal,
        () => inf.hasSynced(),
        () => early.hasSynced(),
      ),
    ).toBe(true);
    await until(() => lw.watchers.length === 1);
    lw.watchers[0]!.modify(obj('a', '3', 'x'));
    lw.watchers[0]!.delete(obj('b', '4'));
    await until(() => seen.length === 4);
    expect(seen).toEqual(['add a true', 'add b true', 'update a', 'delete b']);
    expect(inf.getIndexer().listKeys()).toEqual(['ns/a']);
    const late: string[] = [];
    const reg = inf.addEventHandler({ onAdd: (o, initial) => void late.push(`${o.metadata.name} ${initial}`) });
    await until(() => reg.hasSynced());
    expect(late).toEqual(['a true']);
    ac.abort();
    await done;
  });

  it('50 informers share one stop signal without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    const ac = new AbortController();
    const lws = Array.from({ length: 50 }, () => new ScriptedLW());
    const informers = lws.map(
      (lw) => new SharedIndexInformer<Obj>(lw, { resyncPeriodMs: 60_000, reflector: fastBackoff }),
    );
    const runs = informers.map((inf) => inf.run(ac.signal));
    await until(() => lws.every((lw) => lw.watchers.length === 1));
    ac.abort();
    await Promise.all(runs);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(getMaxListeners(ac.signal)).toBe(defaultMaxListeners);
  });

  it('hands out DeletedFinalStateUnknown for objects that vanished during a relist', async () => {
    const lw = new ScriptedLW();
    lw.items = [obj('a', '1')];
    const inf = new SharedIndexInformer<Obj>(lw, { reflector: fastBackoff });
    const deleted: unknown[] = [];
    inf.addEventHandler({ onDelete: (o) => void deleted.push(o) });
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    await until(() => lw.watchers.length === 1);
    lw.items = [];
    lw.rv = '20';
    lw.watchers[0]!.error({ kind: 'Status', code: 410, reason: 'Expired' });
    await until(() => deleted.length === 1);
    expect(deleted[0]).toBeInstanceOf(DeletedFinalStateUnknown);
    expect((deleted[0] as DeletedFinalStateUnknown<Obj>).key).toBe('ns/a');
    ac.abort();
    await done;
  });

  it('keeps going when a handler throws, and a slow handler does not block a fast one', async () => {
    const lw = new ScriptedLW();
    lw.items = Array.from({ length: 20 }, (_, i) => obj(`o${i}`, String(i)));
    const errors: unknown[] = [];
    const inf = new SharedIndexInformer<Obj>(lw, { reflector: fastBackoff, handleError: (e) => errors.push(e) });
    let fast = 0;
    let slow = 0;
    inf.addEventHandler({
      onAdd: async () => {
        await new Promise((r) => setTimeout(r, 50));
        slow++;
      },
    });
    inf.addEventHandler({
      onAdd: (o) => {
        fast++;
        if (o.metadata.name === 'o3') throw new Error('handler bug');
      },
    });
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    await until(() => fast === 20);
    expect(slow).toBeLessThan(5);
    expect(errors.map((e) => (e as Error).message)).toEqual(['handler bug']);
    ac.abort();
    await done;
  });

  it('resyncs per handler with old === new and never for handlers without a period', async () => {
    const lw = new ScriptedLW();
    lw.items = [obj('a', '1')];
    const clock = new FakeClock();
    const inf = new SharedIndexInformer<Obj>(lw, { reflector: fastBackoff, clock });
    const resyncs: boolean[] = [];
    let other = 0;
    inf.addEventHandler({ onUpdate: (o, n) => void resyncs.push(o === n) }, 1000);
    inf.addEventHandler({ onUpdate: () => void other++ }, 0);
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    await stepUntil(clock, () => lw.watchers.length === 1);
    await clock.advance(2_000);
    expect(resyncs).toEqual([true, true]);
    expect(other).toBe(0);
    ac.abort();
    await done;
  });
});
