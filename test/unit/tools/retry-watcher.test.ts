// RetryWatcher, untilWithoutRetry, until and untilWithSync, ported from what client-go's
// tools/watch retrywatcher_test.go and until_test.go pin down, driven by in-memory watches.
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { KubeList, ListOptions, Status } from '../../../src/apimachinery/meta.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import type { Watch, WatchEvent } from '../../../src/apimachinery/watch/types.js';
import type { ListerWatcher } from '../../../src/tools/cache/index.js';
import {
  newRetryWatcher,
  until,
  untilWithoutRetry,
  untilWithSync,
  WatchClosedError,
  type Watcher,
} from '../../../src/tools/watch/index.js';

interface Obj {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: string;
}
type Ev = WatchEvent<Obj>;

const obj = (rv: string | undefined, name = 'o', data = ''): Obj => ({
  metadata: { name, namespace: 'ns', ...(rv === undefined ? {} : { resourceVersion: rv }) },
  data,
});
const added = (rv: string, name = 'o'): Ev => ({ type: 'ADDED', object: obj(rv, name) });
const modified = (rv: string, name = 'o', data = ''): Ev => ({ type: 'MODIFIED', object: obj(rv, name, data) });
const deleted = (rv: string, name = 'o'): Ev => ({ type: 'DELETED', object: obj(rv, name) });
const errorEvent = (status: unknown): Ev => ({ type: 'ERROR', object: status as Obj });
const status = (code: number, reason: string, retryAfterSeconds?: number): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  ...(retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds } }),
});

/** What a test sees of an event: the resourceVersion, or ERROR:<code>. */
const show = (e: Ev): string => {
  if (e.type !== 'ERROR') return e.object.metadata.resourceVersion ?? '';
  return `ERROR:${(e.object as unknown as Status).code}`;
};
const rvNum = (e: Ev) => Number(e.object?.metadata?.resourceVersion ?? 0);

/**
 * A server with a fixed event history. Each watch answers what follows the requested
 * resourceVersion (leading ERROR events dropped, as client-go's test server does); with
 * `closeAfter` it ends the stream after that many events, otherwise it stays open.
 * Entries of `failures` are thrown by the first watch calls.
 */
class HistoryServer implements Watcher<Obj> {
  readonly calls: ListOptions[] = [];
  readonly signals: (AbortSignal | undefined)[] = [];
  readonly watches: FakeWatch<Obj>[] = [];
  constructor(
    private readonly history: Ev[],
    private readonly closeAfter?: number,
    private readonly failures: Error[] = [],
  ) {}

  async watch(o: ListOptions & { signal?: AbortSignal }): Promise<Watch<Obj>> {
    const { signal, ...opts } = o;
    this.calls.push(opts);
    this.signals.push(signal);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const from = Number(o.resourceVersion);
    const events: Ev[] = [];
    for (const e of this.history) {
      const known = e.type !== 'ERROR' && rvNum(e) > 0;
      if (e.type === 'ERROR' ? events.length === 0 : known && rvNum(e) <= from) continue;
      events.push(e);
    }
    const w = new FakeWatch<Obj>();
    this.watches.push(w);
    const n = this.closeAfter ?? events.length;
    for (const e of events.slice(0, n)) w.push(e);
    if (this.closeAfter !== undefined && events.length >= this.closeAfter) w.close();
    return w;
  }

  get rvs(): (string | undefined)[] {
    return this.calls.map((c) => c.resourceVersion);
  }
}

/** Reads a watch in the background. */
function drain(w: Watch<Obj>) {
  const got: Ev[] = [];
  const state = { ended: false };
  const done = (async () => {
    for await (const e of w) got.push(e);
    state.ended = true;
  })();
  return { got, state, done };
}

const advance = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

describe('newRetryWatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(['', '0'])('refuses the initial resourceVersion %j with client-go’s message', (rv) => {
    const server = new HistoryServer([]);
    expect(() => newRetryWatcher(rv, server)).toThrow(
      `initial RV ${JSON.stringify(rv)} is not supported due to issues with underlying WATCH`,
    );
    expect(server.calls).toHaveLength(0);
  });

  it('asks for bookmarks and passes its own abort signal to the watch call', async () => {
    const server = new HistoryServer([]);
    const rw = newRetryWatcher('12', server);
    await advance();
    expect(server.calls).toEqual([{ resourceVersion: '12', allowWatchBookmarks: true }]);
    expect(server.signals[0]?.aborted).toBe(false);
    rw.stop();
    expect(server.signals[0]?.aborted).toBe(true);
  });

  it.each<{
    name: string;
    initial: string;
    history: Ev[];
    closeAfter?: number;
    failures?: Error[];
    want: string[];
    rvs: string[];
    ends?: boolean;
  }>([
    {
      name: 'recovers when the watch call fails',
      initial: '1',
      history: [added('2')],
      failures: [new Error('connection refused')],
      want: ['2'],
      rvs: ['1', '1'],
    },
    {
      name: 'recovers when the watch call fails with a 500 Status',
      initial: '1',
      history: [added('2')],
      failures: [new StatusError(status(500, 'InternalError'))],
      want: ['2'],
      rvs: ['1', '1'],
    },
    {
      name: 'skips what precedes the initial RV and reads what follows',
      initial: '1',
      history: [added('1'), added('2')],
      want: ['2'],
      rvs: ['1'],
    },
    {
      name: 'delivers nothing when nothing follows the initial RV',
      initial: '3',
      history: [added('2')],
      want: [],
      rvs: ['3'],
    },
    {
      name: 'ends on a 410 Gone ERROR event, delivering it',
      initial: '5',
      history: [added('5'), added('6'), errorEvent(status(410, 'Gone')), added('7'), added('8')],
      want: ['6', 'ERROR:410'],
      rvs: ['5'],
      ends: true,
    },
    {
      name: 'ends when the watch call is Forbidden, delivering the Status',
      initial: '5',
      history: [added('6')],
      failures: [new StatusError(status(403, 'Forbidden'))],
      want: ['ERROR:403'],
      rvs: ['5'],
      ends: true,
    },
    {
      name: 'ends when the watch call is Unauthorized, delivering the Status',
      initial: '5',
      history: [added('6')],
      failures: [new StatusError(status(401, 'Unauthorized'))],
      want: ['ERROR:401'],
      rvs: ['5'],
      ends: true,
    },
    {
      name: 're-watches after a 504 Timeout ERROR event',
      initial: '5',
      history: [added('6'), errorEvent(status(504, 'Timeout')), added('7')],
      want: ['6', '7'],
      rvs: ['5', '6'],
    },
    {
      name: 're-watches after a 500 InternalError ERROR event',
      initial: '5',
      history: [added('6'), errorEvent(status(500, 'InternalError')), added('7')],
      want: ['6', '7'],
      rvs: ['5', '6'],
    },
    {
      name: 're-watches after an ERROR event with an unexpected code',
      initial: '5',
      history: [added('6'), errorEvent({ code: 666 }), added('7')],
      want: ['6', '7'],
      rvs: ['5', '6'],
    },
    {
      name: 're-watches after an ERROR event that carries no Status',
      initial: '5',
      history: [added('6'), errorEvent(null), added('7')],
      want: ['6', '7'],
      rvs: ['5', '6'],
    },
    {
      name: 'survives one closed stream',
      initial: '5',
      history: [added('6')],
      closeAfter: 1,
      want: ['6'],
      rvs: ['5', '6'],
    },
    {
      name: 'survives two closed streams',
      initial: '4',
      history: [added('5'), added('6')],
      closeAfter: 1,
      want: ['5', '6'],
      rvs: ['4', '5', '6'],
    },
    {
      name: 'survives closed streams with gaps between resourceVersions',
      initial: '2',
      history: [added('5'), modified('7')],
      closeAfter: 1,
      want: ['5', '7'],
      rvs: ['2', '5', '7'],
    },
    {
      name: 'survives four closed streams, skipping the RVs it has seen',
      initial: '2',
      history: [added('1'), added('2'), added('5'), modified('6'), modified('7'), deleted('11')],
      closeAfter: 1,
      want: ['5', '6', '7', '11'],
      rvs: ['2', '5', '6', '7', '11'],
    },
    {
      name: 'survives streams of two events each',
      initial: '1',
      history: [added('1'), added('2'), added('5'), modified('6'), modified('7'), deleted('11')],
      closeAfter: 2,
      want: ['2', '5', '6', '7', '11'],
      rvs: ['1', '5', '7'],
    },
  ])('$name', async ({ initial, history, closeAfter, failures, want, rvs, ends }) => {
    const server = new HistoryServer(history, closeAfter, failures);
    const rw = newRetryWatcher(initial, server, 0);
    const r = drain(rw);
    await advance(10);
    expect(r.got.map(show)).toEqual(want);
    expect(server.rvs).toEqual(rvs);
    expect(r.state.ended).toBe(ends ?? false);
    rw.stop();
    await r.done;
    expect(server.watches.every((w) => w.isClosed)).toBe(true);
  });

  it.each<[string, Ev]>([
    ['ADDED without a resourceVersion', { type: 'ADDED', object: obj(undefined) }],
    ['MODIFIED with an empty resourceVersion', { type: 'MODIFIED', object: obj('') }],
    ['BOOKMARK without a resourceVersion', { type: 'BOOKMARK', object: obj(undefined) }],
    ['DELETED without an object', { type: 'DELETED', object: undefined as unknown as Obj }],
    ['an unknown event type', { type: 'SYNC' as Ev['type'], object: obj('7') }],
  ])('ends with a 500 InternalError ERROR event on %s (it cannot know where to resume)', async (_n, bad) => {
    const server = new HistoryServer([added('6'), bad, added('8')], 3);
    const rw = newRetryWatcher('5', server, 0);
    const r = drain(rw);
    await advance(10);
    await r.done;
    expect(r.got.map(show)).toEqual(['6', 'ERROR:500']);
    expect((r.got[1]!.object as unknown as Status).reason).toBe('InternalError');
    expect(server.rvs).toEqual(['5']);
    expect(server.watches[0]!.isClosed).toBe(true);
  });

  it.each([
    ['a 410 Gone Status', new StatusError(status(410, 'Gone'))],
    ['an Expired Status', new StatusError(status(410, 'Expired'))],
  ])('ends with an ERROR event when the watch call fails with %s', async (_n, err) => {
    const server = new HistoryServer([added('6')], undefined, [err]);
    const r = drain(newRetryWatcher('5', server, 0));
    await advance(10);
    await r.done;
    expect(r.got).toEqual([{ type: 'ERROR', object: err.status }]);
    expect(server.calls).toHaveLength(1);
  });

  it('waits at least retryMs between the starts of two watches when streams end at once', async () => {
    const server = new HistoryServer([], 0);
    const rw = newRetryWatcher('5', server);
    await advance();
    expect(server.calls).toHaveLength(1);
    await advance(999);
    expect(server.calls).toHaveLength(1);
    await advance(1);
    expect(server.calls).toHaveLength(2);
    await advance(3000);
    expect(server.calls).toHaveLength(5);
    rw.stop();
  });

  it('re-watches at once when a long-lived stream ends', async () => {
    const server = new HistoryServer([]);
    const rw = newRetryWatcher('5', server);
    await advance(5000);
    server.watches[0]!.close();
    await advance();
    expect(server.rvs).toEqual(['5', '5']);
    rw.stop();
  });

  it('waits retryMs after a failed watch call before the next one', async () => {
    const server = new HistoryServer([], undefined, [new Error('a'), new Error('b')]);
    const rw = newRetryWatcher('5', server, 200);
    await advance(199);
    expect(server.calls).toHaveLength(1);
    await advance(1);
    expect(server.calls).toHaveLength(2);
    await advance(200);
    expect(server.calls).toHaveLength(3);
    await advance(1000);
    expect(server.calls).toHaveLength(3);
    rw.stop();
  });

  it('honours retryAfterSeconds of a retriable ERROR event before re-watching', async () => {
    const server = new HistoryServer([]);
    const rw = newRetryWatcher('5', server);
    const r = drain(rw);
    await advance(5000);
    server.watches[0]!.add(obj('6'));
    server.watches[0]!.error(status(500, 'InternalError', 2));
    await advance(1999);
    expect(server.calls).toHaveLength(1);
    expect(server.watches[0]!.isClosed).toBe(true);
    await advance(1);
    expect(server.rvs).toEqual(['5', '6']);
    expect(r.got.map(show)).toEqual(['6']);
    rw.stop();
  });

  it('stop() ends iteration, drops undelivered events, stops the underlying watch, and may be repeated', async () => {
    const server = new HistoryServer([added('2'), added('3')]);
    const rw = newRetryWatcher('1', server, 0);
    await advance();
    rw.stop();
    rw.stop();
    const got: Ev[] = [];
    for await (const e of rw) got.push(e);
    expect(got).toEqual([]);
    expect(server.watches[0]!.isClosed).toBe(true);
    await advance(5000);
    expect(server.calls).toHaveLength(1);
  });

  it('stop() while waiting to retry prevents any further watch call', async () => {
    const server = new HistoryServer([], undefined, [new Error('down')]);
    const rw = newRetryWatcher('5', server);
    const r = drain(rw);
    await advance(500);
    rw.stop();
    await r.done;
    await advance(5000);
    expect(server.calls).toHaveLength(1);
  });

  it('stop() during a watch call releases the watch it returns even if the call ignored the signal', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const late = new FakeWatch<Obj>();
    const calls: ListOptions[] = [];
    const client: Watcher<Obj> = {
      watch: async (o) => {
        calls.push(o);
        await gate;
        return late;
      },
    };
    const rw = newRetryWatcher('5', client);
    const r = drain(rw);
    await advance();
    rw.stop();
    release();
    await advance();
    await r.done;
    expect(late.isClosed).toBe(true);
    late.add(obj('6'));
    await advance(5000);
    expect(r.got).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('delivers events in order across re-watches, each exactly once', async () => {
    const history = Array.from({ length: 30 }, (_, i) => modified(String(10 + i)));
    const server = new HistoryServer(history, 4);
    const r = drain(newRetryWatcher('9', server, 0));
    await advance(10);
    expect(r.got.map(show)).toEqual(history.map(show));
    expect(server.calls).toHaveLength(8);
  });
});

describe('untilWithoutRetry', () => {
  const feed = (...events: Ev[]) => {
    const w = new FakeWatch<Obj>();
    for (const e of events) w.push(e);
    return w;
  };

  it.each<{ name: string; events: Ev[]; conditions: ((e: Ev) => boolean)[]; want: string }>([
    {
      name: 'one event can satisfy several conditions in a row',
      events: [added('1')],
      conditions: [(e) => e.type === 'ADDED', (e) => e.type === 'ADDED'],
      want: 'ADDED 1',
    },
    {
      name: 'a condition that is already true for the last event does not wait for another',
      events: [added('1'), modified('2'), modified('3')],
      conditions: [(e) => e.type === 'ADDED', (e) => e.type !== 'DELETED'],
      want: 'ADDED 1',
    },
    {
      name: 'ERROR events go to the conditions like any other',
      events: [added('1'), errorEvent(status(500, 'InternalError')), modified('3')],
      conditions: [(e) => e.type === 'ERROR'],
      want: 'ERROR undefined',
    },
  ])('$name', async ({ events, conditions, want }) => {
    const w = feed(...events);
    const ev = await untilWithoutRetry(undefined, w, ...conditions);
    expect(`${ev.type} ${ev.object?.metadata?.resourceVersion}`).toBe(want);
    expect(w.isClosed).toBe(true);
  });

  it('checks each condition in turn, re-checking the next one on the same event', async () => {
    const log: [number, string][] = [];
    const cond =
      (i: number, f: (e: Ev) => boolean) =>
      (e: Ev): boolean => {
        log.push([i, e.object.metadata.resourceVersion!]);
        return f(e);
      };
    const ev = await untilWithoutRetry(
      undefined,
      feed(added('1'), modified('2'), modified('3'), deleted('4'), deleted('5')),
      cond(0, (e) => e.type === 'ADDED'),
      cond(1, (e) => rvNum(e) >= 3),
      cond(2, (e) => e.type === 'DELETED'),
    );
    expect(ev).toEqual(deleted('4'));
    expect(log).toEqual([
      [0, '1'],
      [1, '1'],
      [1, '2'],
      [1, '3'],
      [2, '3'],
      [2, '4'],
    ]);
  });

  it('awaits asynchronous conditions', async () => {
    const w = feed(added('1'), modified('2'));
    const ev = await untilWithoutRetry(undefined, w, async (e) => {
      await new Promise((r) => setTimeout(r, 1));
      return e.type === 'MODIFIED';
    });
    expect(ev.type).toBe('MODIFIED');
  });

  it('rejects with the error a condition throws and stops the watch', async () => {
    const boom = new Error('something bad');
    const w = feed(added('1'), modified('2'));
    await expect(
      untilWithoutRetry(
        undefined,
        w,
        (e) => e.type === 'ADDED',
        () => {
          throw boom;
        },
      ),
    ).rejects.toBe(boom);
    expect(w.isClosed).toBe(true);
  });

  it('rejects with WatchClosedError (client-go’s ErrWatchClosed) when the watch ends early', async () => {
    const w = feed(added('1'));
    w.close();
    const err = await untilWithoutRetry(undefined, w, () => false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchClosedError);
    expect((err as Error).message).toBe('watch closed before UntilWithoutRetry timeout');
  });

  it.each<[string, () => AbortSignal, (err: unknown) => void]>([
    [
      'a timeout signal: its TimeoutError',
      () => AbortSignal.timeout(20),
      (e) => expect(e).toMatchObject({ name: 'TimeoutError' }),
    ],
    [
      'an abort with a reason: that reason',
      () => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(new Error('shutting down')), 20);
        return ac.signal;
      },
      (e) => expect(e).toEqual(new Error('shutting down')),
    ],
    [
      'an abort without a reason: an AbortError',
      () => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 20);
        return ac.signal;
      },
      (e) => expect(e).toMatchObject({ name: 'AbortError' }),
    ],
  ])('rejects when conditions are not met in time, for %s', async (_n, signal, check) => {
    const w = feed(added('1'), added('2'));
    const err = await untilWithoutRetry(
      signal(),
      w,
      (e) => e.type === 'ADDED',
      (e) => e.type === 'ADDED',
      (e) => e.type === 'DELETED',
    ).catch((e: unknown) => e);
    check(err);
    expect(err).not.toBeInstanceOf(WatchClosedError);
    expect(w.isClosed).toBe(true);
  });

  it('rejects at once with the reason of a signal that is already aborted', async () => {
    const w = feed();
    const reason = new Error('already cancelled');
    const outcome = await Promise.race([
      untilWithoutRetry(AbortSignal.abort(reason), w, () => true).catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r('still waiting'), 200)),
    ]);
    expect(outcome).toBe(reason);
    expect(w.isClosed).toBe(true);
  });
});

describe('until', () => {
  it('rejects (rather than throws) for an initial resourceVersion of "" or "0"', async () => {
    const server = new HistoryServer([]);
    for (const rv of ['', '0']) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = until(undefined, rv, server, () => true);
      }).not.toThrow();
      await expect(promise).rejects.toThrow(/is not supported/);
    }
    expect(server.calls).toHaveLength(0);
  });

  it('sees every event across closed streams until the conditions hold', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const server = new HistoryServer([added('6'), modified('7'), modified('8'), deleted('9')], 1);
      const p = until(
        undefined,
        '5',
        server,
        (e) => e.type === 'MODIFIED',
        (e) => e.type === 'DELETED',
      );
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await p).toEqual(deleted('9'));
      expect(server.rvs).toEqual(['5', '6', '7', '8']);
      expect(server.watches.every((w) => w.isClosed)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('hands a 410 to the conditions and then fails with WatchClosedError: it cannot recover', async () => {
    const server = new HistoryServer([added('6'), errorEvent(status(410, 'Expired')), added('7')]);
    const seen: string[] = [];
    const err = await until(undefined, '5', server, (e) => {
      seen.push(show(e));
      return false;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WatchClosedError);
    expect(seen).toEqual(['6', 'ERROR:410']);
    expect(server.calls).toHaveLength(1);
  });

  it('an abort stops the retry watcher and the watch below it', async () => {
    const server = new HistoryServer([added('6')]);
    const ac = new AbortController();
    const p = until(ac.signal, '5', server, (e) => e.type === 'DELETED');
    await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    expect(server.watches[0]!.isClosed).toBe(true);
    expect(server.signals[0]!.aborted).toBe(true);
  });
});

describe('untilWithSync', () => {
  /** A ListerWatcher over a fixed list; its watches are kept for the test to feed. */
  class FakeLW implements ListerWatcher<Obj> {
    readonly watchers: FakeWatch<Obj>[] = [];
    listGate: Promise<void> | undefined;
    constructor(
      private readonly items: Obj[],
      private readonly rv = '10',
    ) {}
    async list(_o: ListOptions, signal?: AbortSignal): Promise<KubeList<Obj>> {
      if (this.listGate) {
        await Promise.race([
          this.listGate,
          new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
        ]);
      }
      return { metadata: { resourceVersion: this.rv }, items: structuredClone(this.items) };
    }
    async watch(): Promise<Watch<Obj>> {
      const w = new FakeWatch<Obj>();
      this.watchers.push(w);
      return w;
    }
  }
  const waitFor = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 2));
  };

  it('returns undefined at once when the precondition holds on the synced cache', async () => {
    const lw = new FakeLW([obj('3', 'first')]);
    const condition = vi.fn(() => true);
    const keys: string[][] = [];
    const ev = await untilWithSync(
      AbortSignal.timeout(5000),
      lw,
      (store) => {
        keys.push(store.list().map((o) => o.metadata.name));
        return store.getByKey('ns/first') !== undefined;
      },
      condition,
    );
    expect(ev).toBeUndefined();
    expect(keys).toEqual([['first']]);
    expect(condition).not.toHaveBeenCalled();
    expect(lw.watchers.every((w) => w.isClosed)).toBe(true);
  });

  it('when the precondition fails, the conditions see the listed objects as ADDED events first', async () => {
    const lw = new FakeLW([obj('3', 'first')]);
    const seen: Ev[] = [];
    const ev = await untilWithSync(
      AbortSignal.timeout(5000),
      lw,
      () => false,
      (e) => {
        seen.push(e);
        return e.type === 'ADDED';
      },
    );
    expect(ev).toEqual({ type: 'ADDED', object: obj('3', 'first') });
    expect(seen).toHaveLength(1);
  });

  it('follows watch events after the list, with no precondition', async () => {
    const lw = new FakeLW([obj('3', 'a')]);
    const p = untilWithSync(
      AbortSignal.timeout(5000),
      lw,
      undefined,
      (e) => e.type === 'MODIFIED' && e.object.data === 'ready',
      (e) => e.type === 'DELETED',
    );
    await waitFor(() => lw.watchers.length > 0);
    lw.watchers[0]!.modify(obj('11', 'a', 'not yet'));
    lw.watchers[0]!.modify(obj('12', 'a', 'ready'));
    lw.watchers[0]!.delete(obj('13', 'a', 'ready'));
    const ev = await p;
    expect(ev?.type).toBe('DELETED');
    expect(ev?.object.metadata.resourceVersion).toBe('13');
    expect(lw.watchers[0]!.isClosed).toBe(true);
  });

  it.each<[string, (s: unknown) => boolean, (e: Ev) => boolean]>([
    [
      'the precondition',
      () => {
        throw new Error('bad precondition');
      },
      () => true,
    ],
    [
      'a condition',
      () => false,
      () => {
        throw new Error('bad condition');
      },
    ],
  ])('rejects with the error %s throws and stops the informer', async (_n, pre, cond) => {
    const lw = new FakeLW([obj('3', 'a')]);
    await expect(untilWithSync(AbortSignal.timeout(5000), lw, pre, cond)).rejects.toThrow(/^bad /);
    expect(lw.watchers.every((w) => w.isClosed)).toBe(true);
  });

  it('rejects with the signal’s reason when the cache cannot sync in time', async () => {
    const lw = new FakeLW([]);
    lw.listGate = new Promise(() => {});
    const err = await untilWithSync(
      AbortSignal.timeout(30),
      lw,
      () => true,
      () => true,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects with the signal’s reason when events do not meet the conditions in time', async () => {
    const lw = new FakeLW([obj('3', 'a')]);
    const ac = new AbortController();
    const p = untilWithSync(ac.signal, lw, undefined, (e) => e.type === 'DELETED');
    await waitFor(() => lw.watchers.length > 0);
    ac.abort(new Error('gave up'));
    await expect(p).rejects.toThrow('gave up');
  });

  it('does not pile up abort listeners on the caller’s signal while waiting for many events', async () => {
    const lw = new FakeLW([]);
    const ac = new AbortController();
    let n = 0;
    const p = untilWithSync(ac.signal, lw, undefined, () => ++n > 40);
    await waitFor(() => lw.watchers.length > 0);
    const w = lw.watchers[0]!;
    w.add(obj('11', 'x0'));
    await waitFor(() => n >= 1);
    const before = getEventListeners(ac.signal, 'abort').length;
    for (let i = 1; i <= 30; i++) {
      w.add(obj(String(11 + i), `x${i}`));
      await waitFor(() => n >= i + 1);
    }
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(before);
    for (let i = 31; i <= 40; i++) w.add(obj(String(11 + i), `x${i}`));
    expect((await p)?.object.metadata.name).toBe('x40');
  });
});
