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
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const fastBackoff = { backoffManager: { backoff: () => 5 } };

describe('Reflector resourceVersion rules', () => {
  it('lists at "0", watches from the list RV, re-watches from the last event RV', async () => {
    const lw = new ScriptedLW();
    const fifo = new DeltaFIFO<Obj>();
    const r = new Reflector<Obj>(lw, fifo, fastBackoff);
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await until(() => lw.watchers.length === 1);
    expect(lw.lists[0]!.resourceVersion).toBe('0');
    expect(lw.watches[0]).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
    expect(lw.watches[0]!.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(lw.watches[0]!.timeoutSeconds).toBeLessThan(600);
    lw.watchers[0]!.add(obj('a', '11'));
    lw.watchers[0]!.bookmark(obj('', '15'));
    await new Promise((r) => setTimeout(r, 1100)); // not a "very short" watch
    lw.watchers[0]!.close(); // the server ended the watch: watch again, no relist
    await until(() => lw.watchers.length === 2);
    expect(lw.watches[1]!.resourceVersion).toBe('15');
    expect(lw.lists).toHaveLength(1);
    ac.abort();
    await done;
  });

  it('relists from the last RV after a 410 ERROR event, and from "" when that list is gone too', async () => {
    const lw = new ScriptedLW();
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), fastBackoff);
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await until(() => lw.watchers.length === 1);
    lw.watchers[0]!.modify(obj('a', '12'));
    lw.listAnswers.push(gone());
    lw.watchers[0]!.error({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    await until(() => lw.watchers.length === 2);
    expect(lw.lists.map((o) => o.resourceVersion)).toEqual(['0', '12', '']);
    ac.abort();
    await done;
  });

  it('relists when the watch request itself is refused with 410, and keeps retrying after errors', async () => {
    const lw = new ScriptedLW();
    lw.listAnswers.push(new Error('boom'));
    lw.watchErrors.push(gone());
    const errors: unknown[] = [];
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), {
      ...fastBackoff,
      watchErrorHandler: (e) => errors.push(e),
    });
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await until(() => lw.watchers.length === 1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    expect(lw.lists.length).toBe(3); // failed, then ok (watch 410), then ok
    ac.abort();
    await done;
  });

  it('retries the watch without relisting on 429', async () => {
    const lw = new ScriptedLW();
    lw.watchErrors.push(new StatusError({ code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 0 } }));
    const r = new Reflector<Obj>(lw, new DeltaFIFO<Obj>(), fastBackoff);
    const ac = new AbortController();
    const done = r.run(ac.signal);
    await until(() => lw.watchers.length === 1);
    expect(lw.lists).toHaveLength(1);
    expect(lw.watches).toHaveLength(2);
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
    const inf = new SharedIndexInformer<Obj>(lw, { reflector: fastBackoff });
    const resyncs: boolean[] = [];
    let other = 0;
    inf.addEventHandler({ onUpdate: (o, n) => void resyncs.push(o === n) }, 1000);
    inf.addEventHandler({ onUpdate: () => void other++ }, 0);
    const ac = new AbortController();
    const done = inf.run(ac.signal);
    await until(() => resyncs.length >= 2, 4000);
    expect(resyncs.every(Boolean)).toBe(true);
    expect(other).toBe(0);
    ac.abort();
    await done;
  }, 10_000);
});
