// ListPager (client-go's tools/pager) against a scripted page function: limit/continue paging, the
// joined list, the full-list fallback when a continue token expires, eachListItem, and aborting.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { ListOptions } from '../../../src/apimachinery/meta.js';
import { DEFAULT_PAGE_SIZE, type ListPageFunc, ListPager } from '../../../src/tools/pager/index.js';
import { rejection } from '../../support/caught.js';

interface Item {
  name: string;
}
const items = (from: number, to: number): Item[] =>
  Array.from({ length: to - from }, (_, i) => ({ name: `${from + i}` }));
const names = (list: Item[]) => list.map((i) => i.name);

const expired = () => new StatusError({ code: 410, reason: 'Expired', message: 'the continue token is too old' });
const gone = () => new StatusError({ code: 410, reason: 'Gone', message: 'gone' });
const internal = () => new StatusError({ code: 500, reason: 'InternalError', message: 'boom' });

interface Script {
  /** Items the collection holds. */
  total: number;
  /** The list's resourceVersion. */
  rv?: string;
  /** Fails the request for the page starting at this index (a continue request), once. */
  failAt?: { index: number; error: () => Error };
  /** Fails the full list (no limit) of the fallback. */
  failFull?: () => Error;
}

/**
 * A page function over `total` items: `limit` of them from the continue token's index, with the
 * next token while items remain. Like the apiserver, it refuses a resourceVersion or
 * resourceVersionMatch along with a continue token.
 */
function scripted({ total, rv = '20', failAt, failFull }: Script) {
  const calls: ListOptions[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  let failed = false;
  const fn: ListPageFunc<Item> = async (o, signal) => {
    calls.push({ ...o });
    signals.push(signal);
    if (o.continue && (o.resourceVersion || o.resourceVersionMatch)) {
      throw new StatusError({ code: 400, reason: 'BadRequest', message: 'resourceVersion with continue' });
    }
    const start = o.continue ? Number(o.continue.split(':')[1]) : 0;
    if (failAt && !failed && o.continue && start === failAt.index) {
      failed = true;
      throw failAt.error();
    }
    if (!o.limit && failFull) throw failFull();
    const end = o.limit ? Math.min(total, start + o.limit) : total;
    const more = end < total;
    return {
      apiVersion: 'v1',
      kind: 'PodList',
      metadata: { resourceVersion: rv, ...(more ? { continue: `${rv}:${end}`, remainingItemCount: total - end } : {}) },
      items: items(start, end),
    };
  };
  const pages = () => calls.map((c) => [c.limit, c.continue]);
  return { fn, calls, signals, pages };
}

const pager = (fn: ListPageFunc<Item>, pageSize = 10) => {
  const p = new ListPager(fn);
  p.pageSize = pageSize;
  return p;
};

describe('ListPager.list', () => {
  it('pages 500 items at a time and falls back to a full list by default', () => {
    const p = new ListPager<Item>(async () => ({ items: [] }));
    expect(DEFAULT_PAGE_SIZE).toBe(500);
    expect(p.pageSize).toBe(500);
    expect(p.fullListIfExpired).toBe(true);
  });

  it.each([
    { title: 'an empty collection', total: 0, pages: [[10, undefined]], paginated: false },
    { title: 'less than a page', total: 9, pages: [[10, undefined]], paginated: false },
    { title: 'exactly one page', total: 10, pages: [[10, undefined]], paginated: false },
    {
      title: 'two pages',
      total: 11,
      pages: [
        [10, undefined],
        [10, '20:10'],
      ],
      paginated: true,
    },
    {
      title: 'three pages',
      total: 21,
      pages: [
        [10, undefined],
        [10, '20:10'],
        [10, '20:20'],
      ],
      paginated: true,
    },
  ])('$title: follows continue tokens until there is none and joins the items', async ({ total, ...want }) => {
    const s = scripted({ total });
    const { list, paginated } = await pager(s.fn).list();
    expect(names(list.items)).toEqual(names(items(0, total)));
    expect(paginated).toBe(want.paginated);
    expect(s.pages()).toEqual(want.pages);
    expect(list.metadata?.resourceVersion).toBe('20');
    expect(list.metadata?.continue).toBeUndefined();
    expect(list.metadata?.remainingItemCount).toBeUndefined();
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'PodList' });
  });

  it('uses the default page size of 500', async () => {
    const s = scripted({ total: 1200 });
    const { list } = await new ListPager(s.fn).list();
    expect(list.items).toHaveLength(1200);
    expect(s.pages()).toEqual([
      [500, undefined],
      [500, '20:500'],
      [500, '20:1000'],
    ]);
  });

  it("the caller's limit wins over the page size", async () => {
    const s = scripted({ total: 5 });
    const { list, paginated } = await pager(s.fn, 100).list({ limit: 2 });
    expect(names(list.items)).toEqual(['0', '1', '2', '3', '4']);
    expect(paginated).toBe(true);
    expect(s.calls.map((c) => c.limit)).toEqual([2, 2, 2]);
  });

  it('a page size of 0 lists everything in one request without a limit', async () => {
    const s = scripted({ total: 1500 });
    const { list, paginated } = await pager(s.fn, 0).list();
    expect(list.items).toHaveLength(1500);
    expect(paginated).toBe(false);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]?.limit).toBeUndefined();
  });

  it('sends resourceVersion and resourceVersionMatch with the first page only, selectors with every page', async () => {
    const s = scripted({ total: 25 });
    await pager(s.fn).list({
      resourceVersion: '10',
      resourceVersionMatch: 'NotOlderThan',
      labelSelector: 'app=web',
      fieldSelector: 'status.phase=Running',
    });
    expect(s.calls).toHaveLength(3);
    expect(s.calls[0]).toMatchObject({ resourceVersion: '10', resourceVersionMatch: 'NotOlderThan' });
    for (const c of s.calls.slice(1)) {
      expect(c.resourceVersion).toBeUndefined();
      expect(c.resourceVersionMatch).toBeUndefined();
    }
    for (const c of s.calls)
      expect(c).toMatchObject({ labelSelector: 'app=web', fieldSelector: 'status.phase=Running' });
  });

  it("the joined list carries the first page's resourceVersion (the snapshot all pages come from)", async () => {
    const rvs = ['100', '101', '102'];
    let page = 0;
    const fn: ListPageFunc<Item> = async () => {
      const i = page++;
      return {
        metadata: { resourceVersion: rvs[i], continue: i < 2 ? `c${i + 1}` : undefined },
        items: items(i, i + 1),
      };
    };
    const { list } = await pager(fn).list();
    expect(names(list.items)).toEqual(['0', '1', '2']);
    expect(list.metadata?.resourceVersion).toBe('100');
    expect(list.metadata?.continue).toBeUndefined();
  });

  it('a single page comes back as the server sent it', async () => {
    const s = scripted({ total: 3, rv: '7' });
    const { list } = await pager(s.fn).list();
    expect(list).toEqual({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '7' }, items: items(0, 3) });
  });

  describe('a continue token that expires', () => {
    it.each([
      { title: '410 Expired', error: expired },
      { title: '410 Gone', error: gone },
    ])('$title on a later page: one full list at the requested resourceVersion, paginated', async ({ error }) => {
      const s = scripted({ total: 21, failAt: { index: 10, error } });
      const { list, paginated } = await pager(s.fn).list({
        resourceVersion: '5',
        resourceVersionMatch: 'NotOlderThan',
        labelSelector: 'a=b',
      });
      expect(names(list.items)).toEqual(names(items(0, 21)));
      expect(paginated).toBe(true);
      expect(s.calls).toHaveLength(3);
      const full = s.calls[2]!;
      expect(full).toMatchObject({ resourceVersion: '5', resourceVersionMatch: 'NotOlderThan', labelSelector: 'a=b' });
      expect(full.limit).toBeUndefined();
      expect(full.continue).toBeUndefined();
    });

    it('is thrown when fullListIfExpired is off', async () => {
      const s = scripted({ total: 21, failAt: { index: 10, error: expired } });
      const p = pager(s.fn);
      p.fullListIfExpired = false;
      const err = await rejection(p.list());
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).reason).toBe('Expired');
      expect(s.calls).toHaveLength(2);
    });

    it('throws what the full list throws when that fails too', async () => {
      const s = scripted({ total: 21, failAt: { index: 10, error: expired }, failFull: internal });
      const err = await rejection(pager(s.fn).list());
      expect((err as StatusError).code).toBe(500);
      expect(s.calls).toHaveLength(3);
    });
  });

  it.each([
    { title: 'Expired on the first page (no continue token yet)', error: expired },
    { title: 'a server error', error: internal },
    { title: 'a plain Error', error: () => new Error('connection reset') },
  ])('$title is thrown without a fallback', async ({ error }) => {
    let calls = 0;
    const fn: ListPageFunc<Item> = async () => {
      calls++;
      throw error();
    };
    const err = await rejection(pager(fn).list());
    expect(err).toEqual(error());
    expect(calls).toBe(1);
  });

  it('a non-expiry error on a later page is thrown and ends the paging', async () => {
    const s = scripted({ total: 40, failAt: { index: 10, error: internal } });
    const err = await rejection(pager(s.fn).list());
    expect((err as StatusError).code).toBe(500);
    expect(s.calls).toHaveLength(2);
  });

  it('passes the signal to every page request', async () => {
    const s = scripted({ total: 25 });
    const ac = new AbortController();
    await pager(s.fn).list({}, ac.signal);
    expect(s.signals).toEqual([ac.signal, ac.signal, ac.signal]);
  });

  it('stops before the next page once the signal is aborted', async () => {
    const s = scripted({ total: 50 });
    const ac = new AbortController();
    const fn: ListPageFunc<Item> = async (o, signal) => {
      const page = await s.fn(o, signal);
      if (s.calls.length === 2) ac.abort(new Error('cancelled'));
      return page;
    };
    const err = await rejection(pager(fn).list({}, ac.signal));
    expect(err).toEqual(new Error('cancelled'));
    expect(s.calls).toHaveLength(2);
  });

  it('makes no request with an already aborted signal', async () => {
    const s = scripted({ total: 5 });
    const err = await rejection(pager(s.fn).list({}, AbortSignal.abort()));
    expect((err as Error).name).toBe('AbortError');
    expect(s.calls).toHaveLength(0);
  });
});

describe('ListPager.eachListItem', () => {
  it.each([0, 9, 10, 11, 21])('calls fn for each of %i items in order, page by page', async (total) => {
    const s = scripted({ total });
    const seen: string[] = [];
    await pager(s.fn).eachListItem({}, (i) => {
      seen.push(i.name);
    });
    expect(seen).toEqual(names(items(0, total)));
    expect(s.calls).toHaveLength(Math.max(1, Math.ceil(total / 10)));
    expect(s.calls.every((c) => c.limit === 10)).toBe(true);
  });

  it("respects the caller's limit, and a page size of 0 means one request without a limit", async () => {
    const limited = scripted({ total: 5 });
    await pager(limited.fn, 100).eachListItem({ limit: 2 }, () => {});
    expect(limited.calls.map((c) => c.limit)).toEqual([2, 2, 2]);

    const whole = scripted({ total: 700 });
    let n = 0;
    await pager(whole.fn, 0).eachListItem({}, () => {
      n++;
    });
    expect(n).toBe(700);
    expect(whole.calls).toHaveLength(1);
    expect(whole.calls[0]?.limit).toBeUndefined();
  });

  it('sends resourceVersion and resourceVersionMatch with the first page only', async () => {
    const s = scripted({ total: 25 });
    await pager(s.fn).eachListItem(
      { resourceVersion: '3', resourceVersionMatch: 'Exact', labelSelector: 'x' },
      () => {},
    );
    expect(s.calls[0]).toMatchObject({ resourceVersion: '3', resourceVersionMatch: 'Exact', labelSelector: 'x' });
    expect(s.calls.slice(1).map((c) => [c.resourceVersion, c.resourceVersionMatch, c.labelSelector])).toEqual([
      [undefined, undefined, 'x'],
      [undefined, undefined, 'x'],
    ]);
  });

  it('awaits an async fn before the next item', async () => {
    const s = scripted({ total: 15 });
    const log: string[] = [];
    await pager(s.fn).eachListItem({}, async (i) => {
      log.push(`start ${i.name}`);
      await new Promise((r) => setTimeout(r, 0));
      log.push(`end ${i.name}`);
    });
    expect(log).toEqual(names(items(0, 15)).flatMap((n) => [`start ${n}`, `end ${n}`]));
  });

  it("stops at fn's error: no later items, no further page", async () => {
    const s = scripted({ total: 51 });
    const seen: string[] = [];
    const boom = new Error('processor error');
    const err = await rejection(
      pager(s.fn).eachListItem({}, (i) => {
        seen.push(i.name);
        if (seen.length === 3) throw boom;
      }),
    );
    expect(err).toBe(boom);
    expect(seen).toEqual(['0', '1', '2']);
    expect(s.calls).toHaveLength(1);
  });

  it('an expired continue token is thrown (no fallback) after the earlier pages were visited', async () => {
    const s = scripted({ total: 21, failAt: { index: 10, error: expired } });
    const seen: string[] = [];
    const err = await rejection(pager(s.fn).eachListItem({}, (i) => void seen.push(i.name)));
    expect((err as StatusError).reason).toBe('Expired');
    expect(seen).toEqual(names(items(0, 10)));
    expect(s.calls).toHaveLength(2);
  });

  it('stops before the next page once the signal is aborted', async () => {
    const s = scripted({ total: 51 });
    const ac = new AbortController();
    const seen: string[] = [];
    const err = await rejection(
      pager(s.fn).eachListItem(
        {},
        (i) => {
          seen.push(i.name);
          if (seen.length === 3) ac.abort(new Error('cancelled'));
        },
        ac.signal,
      ),
    );
    expect(err).toEqual(new Error('cancelled'));
    // The page being processed is finished, as in client-go.
    expect(seen).toEqual(names(items(0, 10)));
    expect(s.calls).toHaveLength(1);
    expect(s.signals).toEqual([ac.signal]);
  });
});

describe('ListPager.overlapPages', () => {
  /**
   * Pages that announce their metadata first and their items later (as a streamed response does);
   * the log shows when each page was requested and when its body ended.
   */
  function streamed(total: number, failAt?: number) {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const fn: ListPageFunc<Item> = async (o, _signal, onListMeta) => {
      const from = o.continue ? Number(o.continue) : 0;
      log.push(`request ${from}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      if (failAt === from) {
        inFlight--;
        throw internal();
      }
      const to = Math.min(total, from + (o.limit ?? total));
      const metadata = { resourceVersion: '7', ...(to < total ? { continue: String(to) } : {}) };
      onListMeta?.(metadata);
      await new Promise((r) => setTimeout(r, 20)); // the items still arriving
      log.push(`end ${from}`);
      inFlight--;
      return { metadata, items: items(from, to) };
    };
    return { fn, log, maxInFlight: () => maxInFlight };
  }

  it('requests the next page while the current one arrives, one page ahead at most, same result', async () => {
    const s = streamed(10);
    const pager = new ListPager(s.fn);
    pager.pageSize = 3;
    pager.overlapPages = true;
    const { list, paginated } = await pager.list({ resourceVersion: '0' });
    expect(paginated).toBe(true);
    expect(names(list.items)).toEqual(names(items(0, 10)));
    expect(list.metadata).toEqual({ resourceVersion: '7' });
    // Page 3 is requested before page 0's body has ended; never more than two pages in flight.
    expect(s.log.indexOf('request 3')).toBeLessThan(s.log.indexOf('end 0'));
    expect(s.maxInFlight()).toBe(2);

    const serial = streamed(10);
    const plain = new ListPager(serial.fn);
    plain.pageSize = 3;
    expect((await plain.list({ resourceVersion: '0' })).list).toEqual(list);
    expect(serial.maxInFlight()).toBe(1);
  });

  it('a failing prefetched page rejects the list (no unhandled rejection)', async () => {
    const s = streamed(10, 6);
    const pager = new ListPager(s.fn);
    pager.pageSize = 3;
    pager.overlapPages = true;
    await expect(pager.list({})).rejects.toBeInstanceOf(StatusError);
  });
});
