// Sync and back-pressure as events, not polling: waitForCacheSync, the factory's waitForCacheSync,
// whenSynced of informers and handler registrations, and the Broadcaster's wait for room all finish
// with every timer frozen (vi's fake setTimeout/setInterval never advance here), so none of them
// can be sleeping in a loop.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeList, KubeObject } from '../../../src/apimachinery/meta.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import type { WatchEvent } from '../../../src/apimachinery/watch/types.js';
import { newSimpleClientset } from '../../../src/fake/index.js';
import { SharedInformerFactory } from '../../../src/informers/index.js';
import {
  DeltaFIFO,
  type ListerWatcher,
  SharedIndexInformer,
  waitForCacheSync,
} from '../../../src/tools/cache/index.js';
import { FakeClock } from '../../../src/util/wait/clock.js';
import { Broadcaster } from '../../../src/apimachinery/watch/broadcaster.js';

const freezeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
afterEach(() => vi.useRealTimers());

const obj = (name: string, rv = '1'): KubeObject => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });

/** A ListerWatcher whose list waits until the test opens its gate. */
class GatedLW implements ListerWatcher<KubeObject> {
  private openGate!: () => void;
  readonly gate = new Promise<void>((resolve) => {
    this.openGate = resolve;
  });
  constructor(private readonly items: KubeObject[]) {}
  open(): void {
    this.openGate();
  }
  async list(): Promise<KubeList<KubeObject>> {
    await this.gate;
    return { metadata: { resourceVersion: '10' }, items: this.items };
  }
  async watch(): Promise<FakeWatch<KubeObject>> {
    return new FakeWatch<KubeObject>();
  }
}

/** Lets every pending promise chain run (setImmediate is never faked here). */
const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('waitForCacheSync and whenSynced are event-driven', () => {
  it('resolve with timers frozen: informer, registration and a hasSynced function', async () => {
    freezeTimers();
    const lw = new GatedLW([obj('a'), obj('b')]);
    const inf = new SharedIndexInformer(lw, { clock: new FakeClock() });
    const reg = inf.addEventHandler({});
    const ac = new AbortController();
    const run = inf.run(ac.signal);
    const order: string[] = [];
    const all = waitForCacheSync(ac.signal, inf, reg, () => inf.hasSynced() && reg.hasSynced()).then((ok) => {
      order.push(`waitForCacheSync ${ok}`);
    });
    void inf.whenSynced().then(() => order.push('informer'));
    void reg.whenSynced().then(() => order.push('registration'));
    await settle();
    expect(order).toEqual([]);
    lw.open();
    await all;
    await settle();
    expect(order).toContain('waitForCacheSync true');
    expect(order.indexOf('informer')).toBeLessThan(order.indexOf('waitForCacheSync true'));
    expect(inf.getIndexer().listKeys().sort()).toEqual(['ns/a', 'ns/b']);
    ac.abort();
    await run;
  });

  it('a registration is synced only once its handler has seen the whole initial list', async () => {
    freezeTimers();
    const lw = new GatedLW([obj('a'), obj('b')]);
    lw.open();
    const inf = new SharedIndexInformer(lw, { clock: new FakeClock() });
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    const reg = inf.addEventHandler({
      onAdd: async (o) => {
        await slow;
        seen.push(o.metadata!.name!);
      },
    });
    const ac = new AbortController();
    const run = inf.run(ac.signal);
    await inf.whenSynced();
    let regSynced = false;
    void reg.whenSynced().then(() => {
      regSynced = true;
    });
    await settle();
    expect(inf.hasSynced()).toBe(true);
    expect(regSynced).toBe(false);
    expect(reg.hasSynced()).toBe(false);
    release();
    await reg.whenSynced();
    expect(seen).toEqual(['a', 'b']);
    expect(reg.hasSynced()).toBe(true);
    // A registration added later syncs once it got its synthetic adds.
    const late = inf.addEventHandler({});
    await expect(waitForCacheSync(ac.signal, late)).resolves.toBe(true);
    ac.abort();
    await run;
  });

  it('resolves false as soon as the signal aborts, and true at once when already synced', async () => {
    freezeTimers();
    const lw = new GatedLW([]);
    const inf = new SharedIndexInformer(lw, { clock: new FakeClock() });
    const ac = new AbortController();
    const run = inf.run(ac.signal);
    const wait = new AbortController();
    const pending = waitForCacheSync(wait.signal, inf);
    wait.abort();
    await expect(pending).resolves.toBe(false);
    await expect(waitForCacheSync(AbortSignal.abort(), inf)).resolves.toBe(false);
    lw.open();
    await inf.whenSynced();
    await expect(waitForCacheSync(AbortSignal.abort(), inf, () => true)).resolves.toBe(true);
    ac.abort();
    await run;
  });

  it('a hasSynced function that throws rejects the wait, and the informer goes on', async () => {
    const lw = new GatedLW([obj('a')]);
    const inf = new SharedIndexInformer(lw, { clock: new FakeClock() });
    const ac = new AbortController();
    const run = inf.run(ac.signal);
    const wait = waitForCacheSync(ac.signal, () => {
      if (inf.hasSynced()) throw new Error('bad check');
      return false;
    });
    lw.open();
    await expect(wait).rejects.toThrow('bad check');
    await inf.whenSynced();
    expect(inf.getIndexer().listKeys()).toEqual(['ns/a']);
    ac.abort();
    await run;
  });

  it('DeltaFIFO.whenSynced: after the last item of the first list is popped (an empty list at once)', async () => {
    const fifo = new DeltaFIFO<KubeObject>();
    let synced = false;
    void fifo.whenSynced().then(() => {
      synced = true;
    });
    fifo.replace([obj('a'), obj('b')], '1');
    await fifo.pop(() => {});
    await settle(1);
    expect(synced).toBe(false);
    await fifo.pop(() => {});
    await settle(1);
    expect(synced).toBe(true);
    const empty = new DeltaFIFO<KubeObject>();
    empty.replace([], '1');
    await expect(empty.whenSynced()).resolves.toBeUndefined();
  });

  it('the factory waits for its informers with timers frozen', async () => {
    const { clientset } = newSimpleClientset({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'ns' },
    });
    const factory = SharedInformerFactory.create(clientset);
    factory.coreV1.configMaps.informer();
    freezeTimers();
    const ac = new AbortController();
    factory.start(ac.signal);
    const synced = await factory.waitForCacheSync(ac.signal);
    expect([...synced.values()]).toEqual([true]);
    ac.abort();
    await factory.shutdown();
  });
});

describe('Broadcaster: waitIfChannelFull wakes when the watcher takes an event', () => {
  it('a full watcher holds the action back until its consumer reads, with timers frozen', async () => {
    freezeTimers();
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const w = b.watch();
    const it = w[Symbol.asyncIterator]();
    await b.action('ADDED', 1);
    let second = false;
    const p = b.action('ADDED', 2).then(() => {
      second = true;
    });
    await settle();
    expect(second).toBe(false);
    expect(((await it.next()).value as WatchEvent<number>).object).toBe(1);
    await p;
    expect(((await it.next()).value as WatchEvent<number>).object).toBe(2);
    // Stopping a full watcher releases a waiting action too.
    await b.action('ADDED', 3);
    const q = b.action('ADDED', 4);
    await settle();
    w.stop();
    await q;
    await b.shutdown();
  });
});
