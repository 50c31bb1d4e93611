// Broadcaster full-channel policies, ListPager paging and 410 fallback, RetryWatcher re-watching
// from the last resourceVersion and ending on 410, untilWithoutRetry.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { KubeList, ListOptions } from '../../../src/apimachinery/meta.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import { ListPager } from '../../../src/tools/pager/index.js';
import { newRetryWatcher, untilWithoutRetry, WatchClosedError } from '../../../src/tools/watch/index.js';
import { Broadcaster } from '../../../src/watch/index.js';

interface Obj {
  metadata: { name: string; resourceVersion: string };
}
const obj = (name: string, rv: string): Obj => ({ metadata: { name, resourceVersion: rv } });

describe('Broadcaster', () => {
  it('drops events for a full watcher with dropIfChannelFull, keeps them for others', async () => {
    const b = new Broadcaster<number>(2, 'dropIfChannelFull');
    const slow = b.watch();
    const fast = b.watch();
    const got: number[] = [];
    const reading = (async () => {
      for await (const ev of fast) got.push(ev.object);
    })();
    for (let i = 0; i < 5; i++) await b.action('ADDED', i);
    await b.shutdown();
    await reading;
    const slowGot: number[] = [];
    for await (const ev of slow) slowGot.push(ev.object);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(slowGot).toEqual([0, 1]);
  });

  it('waits for room with waitIfChannelFull and loses nothing', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const w = b.watchWithPrefix([{ type: 'ADDED', object: -1 }]);
    const got: number[] = [];
    const reading = (async () => {
      for await (const ev of w) got.push(ev.object);
    })();
    for (let i = 0; i < 50; i++) void b.action('MODIFIED', i);
    await b.shutdown();
    await reading;
    expect(got).toEqual([-1, ...Array.from({ length: 50 }, (_, i) => i)]);
    expect(b.actionOrDrop('ADDED', 1)).toBe(false);
  });
});

describe('ListPager', () => {
  const pages = (n: number, expireAt?: number) => {
    const calls: ListOptions[] = [];
    const fn = async (o: ListOptions): Promise<KubeList<number>> => {
      calls.push(o);
      const start = o.continue ? Number(o.continue) : 0;
      if (expireAt !== undefined && start === expireAt) throw new StatusError({ code: 410, reason: 'Expired' });
      if (!o.limit) return { metadata: { resourceVersion: '9' }, items: Array.from({ length: n }, (_, i) => i) };
      const items = Array.from({ length: Math.min(o.limit, n - start) }, (_, i) => start + i);
      const next = start + items.length;
      return { metadata: { resourceVersion: '9', continue: next < n ? String(next) : undefined }, items };
    };
    return { fn, calls };
  };

  it('joins pages of 500 by default', async () => {
    const { fn, calls } = pages(1200);
    const { list, paginated } = await new ListPager(fn).list({ resourceVersion: '0' });
    expect(list.items).toHaveLength(1200);
    expect(paginated).toBe(true);
    expect(calls.map((c) => [c.limit, c.continue, c.resourceVersion])).toEqual([
      [500, undefined, '0'],
      [500, '500', undefined],
      [500, '1000', undefined],
    ]);
  });

  it('falls back to a full list when the continue token expires', async () => {
    const { fn, calls } = pages(1200, 500);
    const { list } = await new ListPager(fn).list({});
    expect(list.items).toHaveLength(1200);
    expect(calls.at(-1)?.limit).toBeUndefined();
  });
});

describe('RetryWatcher', () => {
  it('re-watches from the last delivered RV when a stream ends, and ends with ERROR on 410', async () => {
    const watches: FakeWatch<Obj>[] = [];
    const rvs: string[] = [];
    const client = {
      watch: async (o: ListOptions) => {
        rvs.push(o.resourceVersion ?? '');
        const w = new FakeWatch<Obj>();
        watches.push(w);
        return w;
      },
    };
    const rw = newRetryWatcher('5', client, 1);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const ev of rw) seen.push(ev.type);
    })();
    while (watches.length < 1) await new Promise((r) => setTimeout(r, 1));
    watches[0]!.add(obj('a', '6'));
    watches[0]!.bookmark(obj('', '8'));
    watches[0]!.close();
    while (watches.length < 2) await new Promise((r) => setTimeout(r, 1));
    watches[1]!.modify(obj('a', '9'));
    watches[1]!.error({ kind: 'Status', code: 410, reason: 'Expired' });
    await reading;
    expect(rvs).toEqual(['5', '8']);
    expect(seen).toEqual(['ADDED', 'MODIFIED', 'ERROR']);
    expect(() => newRetryWatcher('0', client)).toThrow(/not supported/);
  });
});

describe('untilWithoutRetry', () => {
  it('applies conditions in order and fails when the watch closes first', async () => {
    const w = new FakeWatch<Obj>();
    w.add(obj('a', '1'));
    w.modify(obj('a', '2'));
    w.delete(obj('a', '3'));
    const ev = await untilWithoutRetry(
      undefined,
      w,
      (e) => e.type === 'MODIFIED',
      (e) => e.type === 'DELETED',
    );
    expect(ev.object.metadata.resourceVersion).toBe('3');
    const closed = new FakeWatch<Obj>();
    closed.add(obj('b', '1'));
    closed.close();
    await expect(untilWithoutRetry(undefined, closed, (e) => e.type === 'DELETED')).rejects.toBeInstanceOf(
      WatchClosedError,
    );
  });
});
