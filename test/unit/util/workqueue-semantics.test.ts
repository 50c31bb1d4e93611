// Second round of work queue tests, after client-go's util/workqueue tests: drain/shutdown corners, concurrent
// getters, key equality, delaying-queue timing (fake clock and fake timers), every rate limiter's sequence
// (incl. overflow and the default controller limiter), the metrics callbacks, the heap and parallelizeUntil.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../src/util/wait/clock.js';
import { NumberHeap } from '../../../src/util/workqueue/heap.js';
import {
  BucketRateLimiter,
  type CounterMetric,
  DelayingQueue,
  defaultControllerRateLimiter,
  defaultItemBasedRateLimiter,
  type GaugeMetric,
  type HistogramMetric,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  type MetricsProvider,
  noopMetricsProvider,
  parallelizeUntil,
  Queue,
  type RateLimiter,
  RateLimitingQueue,
  type SettableGaugeMetric,
  setProvider,
  WithMaxWaitRateLimiter,
} from '../../../src/util/workqueue/index.js';

/** Lets every pending promise callback (and one macrotask turn) run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled yet. */
function track(p: Promise<unknown>): { settled: () => boolean } {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return { settled: () => settled };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Queue: shutdown and drain', () => {
  it('shutDownWithDrain waits for every in-flight item while get() already reports shutdown', async () => {
    const q = new Queue<string>();
    q.add('foo');
    q.add('bar');
    const first = (await q.get()).item!;
    const second = (await q.get()).item!;
    const drain = track(q.shutDownWithDrain());
    expect(q.shuttingDown()).toBe(true);
    expect(await q.get()).toEqual({ item: undefined, shutdown: true });
    q.done(first);
    await flush();
    expect(drain.settled()).toBe(false);
    q.done(second);
    await flush();
    expect(drain.settled()).toBe(true);
  });

  it('shutDownWithDrain resolves at once when nothing is in flight', async () => {
    const q = new Queue<string>();
    q.add('queued-but-not-taken');
    const drain = track(q.shutDownWithDrain());
    await flush();
    expect(drain.settled()).toBe(true);
    // the queued item is still handed out after the drain
    expect(await q.get()).toEqual({ item: 'queued-but-not-taken', shutdown: false });
  });

  it('shutDownWithDrain hands out an item made dirty while in flight, then reports shutdown', async () => {
    const q = new Queue<string>();
    q.add('foo');
    const gotten = (await q.get()).item!;
    q.add('foo'); // dirty while processing, before the shutdown
    const drain = track(q.shutDownWithDrain());
    expect((await q.get()).shutdown).toBe(true);
    q.done(gotten);
    const again = await q.get();
    expect(again).toEqual({ item: 'foo', shutdown: false });
    await flush();
    expect(drain.settled()).toBe(false);
    q.done(again.item!);
    expect((await q.get()).shutdown).toBe(true);
    await flush();
    expect(drain.settled()).toBe(true);
  });

  it('shutDown after shutDownWithDrain stops the drain from waiting (forced shutdown)', async () => {
    const q = new Queue<string>();
    q.add('foo');
    q.add('bar');
    await q.get();
    await q.get();
    const drain = track(q.shutDownWithDrain());
    await flush();
    expect(drain.settled()).toBe(false);
    q.shutDown(); // neither item is ever marked done
    await flush();
    expect(drain.settled()).toBe(true);
  });

  it('shutDown does not wait for in-flight items', () => {
    const q = new Queue<string>();
    q.add('foo');
    void q.get();
    q.shutDown();
    expect(q.shuttingDown()).toBe(true);
  });

  it('resolves every waiting getter, and every later get, with shutdown', async () => {
    const q = new Queue<string>();
    const waiting = [q.get(), q.get(), q.get()];
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual(Array(3).fill({ item: undefined, shutdown: true }));
    for (let i = 0; i < 3; i++) expect(await q.get()).toEqual({ item: undefined, shutdown: true });
  });

  it('ignores add (also of a processing item) once shut down; done then does not re-queue', async () => {
    const q = new Queue<string>();
    q.add('a');
    const { item } = await q.get();
    q.shutDown();
    q.add('a');
    q.add('b');
    expect(q.len()).toBe(0);
    q.done(item!);
    expect(q.len()).toBe(0);
    expect((await q.get()).shutdown).toBe(true);
  });

  it.each([
    ['shutDown', (q: Queue<number | string>) => q.shutDown()],
    ['shutDownWithDrain', (q: Queue<number | string>) => q.shutDownWithDrain()],
  ])('re-adds during %s are ignored: every item is processed once, nothing added later leaks', async (_name, stop) => {
    const q = new Queue<number | string>();
    const seen = new Map<number | string, number>();
    const worker = async () => {
      for (;;) {
        const { item, shutdown } = await q.get();
        if (shutdown) return;
        seen.set(item, (seen.get(item) ?? 0) + 1);
        await flush();
        q.add(item); // would be a second round if the queue were running
        q.done(item);
      }
    };
    const workers = Array.from({ length: 10 }, worker);
    for (let i = 0; i < 50; i++) q.add(i);
    await stop(q);
    q.add('added after shutdown');
    await Promise.all(workers);
    expect(seen.size).toBe(50);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(q.len()).toBe(0);
  });

  it('an item re-added by its own worker is processed exactly once more (add while processing)', async () => {
    const q = new Queue<number>();
    const seen = new Map<number, number>();
    let overlaps = 0;
    const active = new Set<number>();
    const worker = async () => {
      for (;;) {
        const { item, shutdown } = await q.get();
        if (shutdown) return;
        if (active.has(item)) overlaps++;
        active.add(item);
        const n = (seen.get(item) ?? 0) + 1;
        seen.set(item, n);
        await flush();
        if (n < 2) q.add(item);
        active.delete(item);
        q.done(item);
      }
    };
    const workers = Array.from({ length: 10 }, worker);
    for (let i = 0; i < 50; i++) q.add(i);
    while ([...seen.values()].reduce((a, b) => a + b, 0) < 100) await flush();
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect([...seen.values()]).toEqual(Array(50).fill(2));
    expect(q.len()).toBe(0);
  });
});

describe('Queue: getters, len and key equality', () => {
  it('serves concurrent getters distinct items in the order they asked', async () => {
    const q = new Queue<number>();
    const gets = Array.from({ length: 5 }, () => q.get());
    for (let i = 0; i < 3; i++) q.add(i);
    expect((await Promise.all(gets.slice(0, 3))).map((r) => r.item)).toEqual([0, 1, 2]);
    const fourth = track(gets[3]!);
    const fifth = track(gets[4]!);
    q.add(0); // in flight: marked dirty, not handed to a waiting getter
    await flush();
    expect([fourth.settled(), fifth.settled(), q.len()]).toEqual([false, false, 0]);
    q.add(3);
    expect(await gets[3]).toEqual({ item: 3, shutdown: false });
    q.done(0); // re-queued now, and the last getter is waiting for it
    expect(await gets[4]).toEqual({ item: 0, shutdown: false });
  });

  it('len counts queued items only, never in-flight ones', async () => {
    const q = new Queue<string>();
    q.add('foo');
    expect(q.len()).toBe(1);
    q.add('bar');
    expect(q.len()).toBe(2);
    q.add('foo');
    expect(q.len()).toBe(2);
    await q.get();
    expect(q.len()).toBe(1);
    await q.get();
    expect(q.len()).toBe(0);
  });

  it('compares strings and numbers by value, without coercion', () => {
    const q = new Queue<number | string>();
    const built = ['default', 'web'].join('/');
    q.add('default/web');
    q.add(built);
    q.add(1);
    q.add('1');
    q.add(1);
    expect(q.len()).toBe(3);
  });

  it('compares objects by identity: equal-looking objects are separate items', async () => {
    const q = new Queue<{ key: string }>();
    const a1 = { key: 'a' };
    const a2 = { key: 'a' };
    q.add(a1);
    q.add(a2);
    q.add(a1);
    expect(q.len()).toBe(2);
    const got = (await q.get()).item!;
    expect(got).toBe(a1);
    q.add(a2); // still queued: no-op
    q.add({ key: 'a' }); // a third object
    expect(q.len()).toBe(2);
    q.add(a1); // in flight: dirty only
    expect(q.len()).toBe(2);
    q.done(a1);
    expect(q.len()).toBe(3);
  });
});

describe('DelayingQueue timing', () => {
  it('adds once the delay has passed, and not again later', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('foo', 50);
    expect([q.len(), q.waitingLen()]).toEqual([0, 1]);
    clock.step(49);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect([q.len(), q.waitingLen()]).toEqual([1, 0]);
    const { item } = await q.get();
    q.done(item!);
    clock.step(10 * SECOND);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ['a later second addAfter is dropped', 50, 70, 50],
    ['an earlier second addAfter wins', 50, 30, 30],
    ['an equal second addAfter changes nothing', 40, 40, 40],
  ])('%s', async (_name, firstDelay, secondDelay, readyAt) => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('foo', firstDelay);
    q.addAfter('foo', secondDelay);
    expect(q.waitingLen()).toBe(1);
    clock.step(readyAt - 1);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    const { item } = await q.get();
    q.done(item!);
    // the superseded entry never fires on its own
    clock.step(100);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires the earliest first and re-arms for items added after that (add-two-fire-early)', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('foo', 1 * SECOND);
    q.addAfter('bar', 50);
    clock.step(60);
    expect(q.len()).toBe(1);
    expect((await q.get()).item).toBe('bar');
    q.addAfter('baz', 2 * SECOND);
    clock.step(1 * SECOND);
    expect(q.len()).toBe(1);
    expect((await q.get()).item).toBe('foo');
    clock.step(2 * SECOND);
    expect(q.len()).toBe(1);
    expect((await q.get()).item).toBe('baz');
  });

  it.each([0, -1, -1000])('addAfter with delay %d adds at once', (delay) => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('now', delay);
    expect([q.len(), q.waitingLen(), clock.pendingTimers]).toEqual([1, 0, 0]);
  });

  it('items ready at the same time keep the order they were added in', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    for (const k of ['x', 'y', 'z']) q.addAfter(k, 10);
    clock.step(10);
    const out: string[] = [];
    while (q.len() > 0) out.push((await q.get()).item!);
    expect(out).toEqual(['x', 'y', 'z']);
  });

  it('a delayed add of an in-flight item only re-queues it at done', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.add('foo');
    const { item } = await q.get();
    q.addAfter('foo', 5);
    clock.step(5);
    expect(q.len()).toBe(0);
    q.done(item!);
    expect(q.len()).toBe(1);
  });

  it('a delayed add of a queued item does not duplicate it', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.add('foo');
    q.addAfter('foo', 5);
    clock.step(5);
    expect(q.len()).toBe(1);
    const { item } = await q.get();
    q.done(item!);
    expect(q.len()).toBe(0);
  });

  it.each([
    ['shutDown', (q: DelayingQueue<string>) => q.shutDown()],
    ['shutDownWithDrain', (q: DelayingQueue<string>) => q.shutDownWithDrain()],
  ])('%s drops waiting items and cancels the timer', async (_name, stop) => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 10);
    q.addAfter('b', 20);
    expect(clock.pendingTimers).toBe(1);
    await stop(q);
    expect(clock.pendingTimers).toBe(0);
    q.addAfter('c', 5);
    q.addAfter('d', 0);
    expect(clock.pendingTimers).toBe(0);
    clock.step(HOUR);
    expect(q.len()).toBe(0);
    expect((await q.get()).shutdown).toBe(true);
  });

  it('keeps one timer armed for the earliest of many random delays and releases them in time order', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<number>({ clock });
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const d = 1 + Math.floor(rand() * 10 * MINUTE);
      delays.set(i, d);
      q.addAfter(i, d);
      expect(clock.pendingTimers).toBe(1);
    }
    const released: number[] = [];
    for (let t = 0; t < 11 * MINUTE; t += 997) {
      clock.step(997);
      while (q.len() > 0) {
        const { item } = await q.get();
        expect(delays.get(item!)).toBeLessThanOrEqual(clock.now());
        released.push(item!);
        q.done(item!);
      }
    }
    expect(released).toHaveLength(200);
    const order = released.map((i) => delays.get(i)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(clock.pendingTimers).toBe(0);
  });

  it('works on the real clock (fake timers and performance.now)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const q = new DelayingQueue<string>();
    q.addAfter('a', 100);
    vi.advanceTimersByTime(99);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits out delays beyond the 2^31-1 ms timer limit without spinning', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const q = new DelayingQueue<string>();
    q.addAfter('far', 30 * DAY);
    q.addAfter('never', Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(SECOND);
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(2);
    vi.advanceTimersByTime(30 * DAY - SECOND - 1);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(1); // 'never' still waits
    q.shutDown();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('rate limiters', () => {
  it('exponential: doubles per item, items are independent, forget resets', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(1, SECOND);
    expect(Array.from({ length: 5 }, () => rl.when('one'))).toEqual([1, 2, 4, 8, 16]);
    expect(rl.numRequeues('one')).toBe(5);
    expect([rl.when('two'), rl.when('two')]).toEqual([1, 2]);
    expect(rl.numRequeues('two')).toBe(2);
    rl.forget('one');
    expect(rl.numRequeues('one')).toBe(0);
    expect(rl.when('one')).toBe(1);
    expect(rl.numRequeues('two')).toBe(2);
  });

  it.each([
    // base, max, prior failures, expected next delay
    [1, 1000 * SECOND, 5, 32],
    [1, 1000 * SECOND, 1000, 1000 * SECOND],
    [1, 1000 * SECOND, 5000, 1000 * SECOND],
    [MINUTE, 1000 * HOUR, 2, 4 * MINUTE],
    [MINUTE, 1000 * HOUR, 1000, 1000 * HOUR],
    [MINUTE, 1000 * HOUR, 100_000, 1000 * HOUR],
    [5, 1000 * SECOND, 17, 5 * 2 ** 17],
    [5, 1000 * SECOND, 18, 1000 * SECOND],
  ])('exponential base %d max %d after %d failures: %d (no overflow)', (base, max, failures, expected) => {
    const rl = new ItemExponentialFailureRateLimiter<string>(base, max);
    for (let i = 0; i < failures; i++) rl.when('x');
    const next = rl.when('x');
    expect(next).toBe(expected);
    expect(Number.isFinite(next)).toBe(true);
    expect(rl.numRequeues('x')).toBe(failures + 1);
  });

  it('exponential tracks object keys by identity', () => {
    const rl = new ItemExponentialFailureRateLimiter<{ k: string }>(1, SECOND);
    const a = { k: 'a' };
    rl.when(a);
    rl.when(a);
    expect(rl.when({ k: 'a' })).toBe(1);
    expect(rl.numRequeues(a)).toBe(2);
  });

  it.each([
    {
      title: 'fast-slow: fast for maxFastAttempts per item, then slow until forgotten',
      slow: 10 * SECOND,
      make: (): RateLimiter<string> => new ItemFastSlowRateLimiter<string>(5, 10 * SECOND, 3),
    },
    {
      title: 'max-of: the longest delay, the highest requeue count, forget reaches every limiter',
      slow: 3 * SECOND,
      make: (): RateLimiter<string> =>
        new MaxOfRateLimiter<string>(
          new ItemFastSlowRateLimiter(5, 3 * SECOND, 3),
          new ItemExponentialFailureRateLimiter(1, SECOND),
        ),
    },
  ])('$title', ({ slow, make }) => {
    const rl = make();
    expect(Array.from({ length: 5 }, () => rl.when('one'))).toEqual([5, 5, 5, slow, slow]);
    expect(rl.numRequeues('one')).toBe(5);
    expect([rl.when('two'), rl.when('two')]).toEqual([5, 5]);
    expect(rl.numRequeues('two')).toBe(2);
    rl.forget('one');
    expect(rl.numRequeues('one')).toBe(0);
    expect(rl.when('one')).toBe(5);
  });

  it('max-of with no limiters never delays', () => {
    const rl = new MaxOfRateLimiter<string>();
    expect([rl.when('a'), rl.numRequeues('a')]).toEqual([0, 0]);
  });

  it('with-max-wait: caps a (global) step limiter at the max and delegates forget/numRequeues', () => {
    let calls = 0;
    const forgotten: number[] = [];
    const step: RateLimiter<number> = {
      when: () => (++calls <= 100 ? 5 : 1000 * SECOND),
      forget: (i) => forgotten.push(i),
      numRequeues: (i) => i * 10,
    };
    const rl = new WithMaxWaitRateLimiter(step, 500 * SECOND);
    for (let i = 0; i < 100; i++) expect(rl.when(i)).toBe(5);
    for (let i = 100; i < 200; i++) expect(rl.when(i)).toBe(500 * SECOND);
    rl.forget(7);
    expect(forgotten).toEqual([7]);
    expect(rl.numRequeues(3)).toBe(30);
  });

  it('bucket: reservations queue up behind each other, keep no per-item state, and refill over time', () => {
    let now = 0;
    const rl = new BucketRateLimiter<string>(10, 3, () => now);
    expect([rl.when('a'), rl.when('a'), rl.when('a')]).toEqual([0, 0, 0]);
    const queued = [rl.when('a'), rl.when('b'), rl.when('c')];
    expect(queued[0]).toBeCloseTo(100);
    expect(queued[1]).toBeCloseTo(200);
    expect(queued[2]).toBeCloseTo(300);
    expect(rl.numRequeues('a')).toBe(0);
    rl.forget('a'); // gives nothing back
    expect(rl.when('d')).toBeCloseTo(400);
    now = 400 + 300; // debt paid off, 3 tokens refilled (capped at the burst)
    expect([rl.when('e'), rl.when('f'), rl.when('g')]).toEqual([0, 0, 0]);
    expect(rl.when('h')).toBeCloseTo(100);
  });

  describe('the defaults (fake performance.now)', () => {
    it('controller limiter: 5 ms .. 1000 s per item, and a 10 qps / burst 100 bucket overall', () => {
      vi.useFakeTimers({ toFake: ['performance'] });
      const rl = defaultControllerRateLimiter<string>();
      for (let i = 0; i < 100; i++) expect(rl.when(`item-${i}`)).toBe(5);
      expect(rl.when('item-100')).toBeCloseTo(100);
      expect(rl.when('item-101')).toBeCloseTo(200);
      vi.advanceTimersByTime(10 * SECOND); // the bucket refills
      // per item: 5 * 2^n, capped at 1000 s; the bucket stays below that
      const seq = Array.from({ length: 20 }, () => rl.when('hot'));
      expect(seq.slice(0, 4)).toEqual([5, 10, 20, 40]);
      expect(seq[17]).toBe(5 * 2 ** 17);
      expect(seq.slice(18)).toEqual([1000 * SECOND, 1000 * SECOND]);
      expect(rl.numRequeues('hot')).toBe(20);
      rl.forget('hot');
      expect(rl.numRequeues('hot')).toBe(0);
    });

    it('item-based limiter: 1 ms .. 1000 s per item, no bucket', () => {
      const rl = defaultItemBasedRateLimiter<string>();
      for (let i = 0; i < 150; i++) expect(rl.when(`item-${i}`)).toBe(1);
      const seq = Array.from({ length: 22 }, () => rl.when('hot'));
      expect(seq.slice(0, 3)).toEqual([1, 2, 4]);
      expect(seq[19]).toBe(2 ** 19);
      expect(seq.slice(20)).toEqual([1000 * SECOND, 1000 * SECOND]);
    });
  });
});

describe('RateLimitingQueue', () => {
  it('addRateLimited waits the limiter delay per item; forget restarts the item at the base delay', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, SECOND), { clock });
    /** Adds rate limited and returns after how many ms the item became ready. */
    const readyAfter = async (item: string): Promise<number> => {
      const start = clock.now();
      q.addRateLimited(item);
      while (q.len() === 0) clock.step(1);
      const got = await q.get();
      q.done(got.item!);
      return clock.now() - start;
    };
    expect([await readyAfter('one'), await readyAfter('one')]).toEqual([1, 2]);
    expect(q.numRequeues('one')).toBe(2);
    expect([await readyAfter('two'), await readyAfter('two')]).toEqual([1, 2]);
    q.forget('one');
    expect(q.numRequeues('one')).toBe(0);
    expect(q.numRequeues('two')).toBe(2);
    expect(await readyAfter('one')).toBe(1);
  });

  it('forget does not take a waiting item out of the queue', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(10, SECOND), { clock });
    q.addRateLimited('a');
    q.forget('a');
    clock.step(10);
    expect(q.len()).toBe(1);
  });

  it('uses the default controller limiter when none is given (5 ms first retry)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const q = new RateLimitingQueue<string>();
    q.addRateLimited('a');
    vi.advanceTimersByTime(4);
    expect(q.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.len()).toBe(1);
    expect(q.numRequeues('a')).toBe(1);
    q.shutDown();
  });

  it('ignores addRateLimited after shutdown', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, SECOND), { clock });
    q.shutDown();
    q.addRateLimited('a');
    clock.step(SECOND);
    expect([q.len(), q.waitingLen(), clock.pendingTimers]).toEqual([0, 0, 0]);
  });
});

/** A metric that records every call, usable as any of the four metric kinds. */
class RecordingMetric implements GaugeMetric, SettableGaugeMetric, CounterMetric, HistogramMetric {
  incs = 0;
  decs = 0;
  sets: number[] = [];
  observations: number[] = [];
  inc(): void {
    this.incs++;
  }
  dec(): void {
    this.decs++;
  }
  set(value: number): void {
    this.sets.push(value);
  }
  observe(seconds: number): void {
    this.observations.push(seconds);
  }
  get gauge(): number {
    return this.incs - this.decs;
  }
  get last(): number | undefined {
    return this.sets.at(-1) ?? this.observations.at(-1);
  }
}

function recordingProvider() {
  const m = {
    depth: new RecordingMetric(),
    adds: new RecordingMetric(),
    latency: new RecordingMetric(),
    duration: new RecordingMetric(),
    unfinished: new RecordingMetric(),
    longest: new RecordingMetric(),
    retries: new RecordingMetric(),
  };
  const names: string[] = [];
  const made =
    <K extends keyof typeof m>(k: K) =>
    (name: string) => {
      names.push(`${k}:${name}`);
      return m[k];
    };
  const provider: MetricsProvider = {
    newDepthMetric: made('depth'),
    newAddsMetric: made('adds'),
    newLatencyMetric: made('latency'),
    newWorkDurationMetric: made('duration'),
    newUnfinishedWorkSecondsMetric: made('unfinished'),
    newLongestRunningProcessorSecondsMetric: made('longest'),
    newRetriesMetric: made('retries'),
  };
  return { m, names, provider };
}

describe('metrics', () => {
  it('depth, adds, queue latency and work duration follow add/get/done (seconds)', async () => {
    const { m, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new Queue<string>({ name: 'test', clock, metricsProvider: provider });
    q.add('foo');
    expect([m.adds.incs, m.depth.gauge]).toEqual([1, 1]);
    clock.step(0.05); // 50 µs
    const { item } = await q.get();
    expect(m.depth.gauge).toBe(0);
    expect(m.latency.observations).toHaveLength(1);
    expect(m.latency.last).toBeCloseTo(5e-5, 12);
    // re-added five times while in flight: one add, one unit of depth
    for (let i = 0; i < 5; i++) q.add(item!);
    expect([m.adds.incs, m.depth.gauge]).toEqual([2, 1]);
    clock.step(0.025);
    q.done(item!);
    expect(m.duration.observations).toHaveLength(1);
    expect(m.duration.last).toBeCloseTo(2.5e-5, 12);
    expect(m.depth.gauge).toBe(1);
    const again = await q.get();
    expect(again.item).toBe('foo');
    expect(m.latency.observations).toHaveLength(2);
    expect(m.latency.last).toBeCloseTo(2.5e-5, 12); // measured from the re-add
    clock.step(1);
    q.done('foo');
    expect(m.duration.observations).toHaveLength(2);
    expect(m.duration.last).toBeCloseTo(0.001, 12);
    q.done('foo'); // a second done observes nothing
    expect(m.duration.observations).toHaveLength(2);
    q.shutDown();
  });

  it('unfinished work and longest running processor are refreshed every 500 ms, and stop at shutdown', async () => {
    const { m, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new Queue<string>({ name: 'test', clock, metricsProvider: provider });
    expect(clock.pendingTimers).toBe(1);
    q.add('a');
    q.add('b');
    await q.get(); // a, at t=0
    clock.step(200);
    await q.get(); // b, at t=200
    expect(m.unfinished.sets).toEqual([]);
    clock.step(300); // t=500: a for 0.5 s, b for 0.3 s
    expect(m.unfinished.last).toBeCloseTo(0.8, 9);
    expect(m.longest.last).toBeCloseTo(0.5, 9);
    q.done('a');
    clock.step(500); // t=1000: b for 0.8 s
    expect(m.unfinished.last).toBeCloseTo(0.8, 9);
    expect(m.longest.last).toBeCloseTo(0.8, 9);
    q.done('b');
    clock.step(500);
    expect([m.unfinished.last, m.longest.last]).toEqual([0, 0]);
    const updates = m.unfinished.sets.length;
    q.shutDown();
    expect(clock.pendingTimers).toBe(0);
    clock.step(HOUR);
    expect(m.unfinished.sets).toHaveLength(updates);
  });

  it('adds after shutdown are not counted', () => {
    const { m, provider } = recordingProvider();
    const q = new Queue<string>({ name: 'test', clock: new FakeClock(), metricsProvider: provider });
    q.add('a');
    q.shutDown();
    q.add('b');
    expect([m.adds.incs, m.depth.gauge]).toEqual([1, 1]);
  });

  it('an unnamed queue creates no metrics and no refresh timer', () => {
    const { names, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, SECOND), {
      clock,
      metricsProvider: provider,
    });
    q.add('a');
    q.addRateLimited('b');
    expect(names).toEqual([]);
    expect(clock.pendingTimers).toBe(1); // only the delaying queue's timer
  });

  it('named queues without a provider use the one set with setProvider, created once per queue', () => {
    const { m, names, provider } = recordingProvider();
    setProvider(provider);
    try {
      const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, SECOND), {
        name: 'global',
        clock: new FakeClock(),
      });
      q.add('a');
      expect(m.adds.incs).toBe(1);
      expect([...names].sort()).toEqual(
        ['adds', 'depth', 'duration', 'latency', 'longest', 'retries', 'unfinished'].map((k) => `${k}:global`),
      );
      q.shutDown();
    } finally {
      setProvider(noopMetricsProvider);
    }
  });

  it('retries count every addAfter of a named delaying queue (as client-go), not after shutdown', () => {
    const { m, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ name: 'delaying', clock, metricsProvider: provider });
    q.addAfter('a', 10);
    q.addAfter('b', 0);
    q.addAfter('a', 5);
    expect(m.retries.incs).toBe(3);
    q.shutDown();
    q.addAfter('c', 10);
    expect(m.retries.incs).toBe(3);
  });

  it('retries count once per addRateLimited, and not after shutdown', () => {
    const { m, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, SECOND), {
      name: 'rl',
      clock,
      metricsProvider: provider,
    });
    q.addRateLimited('a');
    q.addRateLimited('a');
    expect(m.retries.incs).toBe(2);
    q.shutDown();
    q.addRateLimited('a');
    expect(m.retries.incs).toBe(2);
  });

  it('a waiting item counts in depth and adds only once it is ready', () => {
    const { m, provider } = recordingProvider();
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ name: 'delaying', clock, metricsProvider: provider });
    q.addAfter('a', 100);
    expect([m.adds.incs, m.depth.gauge]).toEqual([0, 0]);
    clock.step(100);
    expect([m.adds.incs, m.depth.gauge]).toEqual([1, 1]);
    q.shutDown();
  });
});

describe('NumberHeap', () => {
  it('pops in ascending order, duplicates included, and is empty afterwards', () => {
    const h = new NumberHeap();
    expect([h.peek(), h.pop(), h.length]).toEqual([undefined, undefined, 0]);
    let seed = 42;
    const values: number[] = [];
    for (let i = 0; i < 500; i++) {
      seed = (seed * 16807) % 2147483647;
      const v = seed % 100; // many duplicates
      values.push(v);
      h.push(v);
    }
    expect(h.length).toBe(500);
    const out: number[] = [];
    while (h.length > 0) {
      const top = h.peek();
      expect(h.pop()).toBe(top);
      out.push(top!);
    }
    expect(out).toEqual([...values].sort((a, b) => a - b));
    expect(h.pop()).toBeUndefined();
  });

  it('stays ordered under interleaved pushes and pops', () => {
    const h = new NumberHeap();
    const model: number[] = [];
    const ops = [5, 3, -1, 8, 1, -1, -1, 7, 2, 9, -1, 0, -1, -1, -1, 4, -1, -1, -1];
    for (const op of ops) {
      if (op >= 0) {
        h.push(op);
        model.push(op);
        model.sort((a, b) => a - b);
      } else {
        expect(h.pop()).toBe(model.shift());
      }
      expect(h.peek()).toBe(model[0]);
      expect(h.length).toBe(model.length);
    }
  });
});

describe('parallelizeUntil', () => {
  it.each([
    [1000, 10],
    [999, 10],
    [7, 3],
    [1, 4],
  ])('%d pieces on %d workers: every piece exactly once', async (pieces, workers) => {
    const seen = new Array<number>(pieces).fill(0);
    await parallelizeUntil(undefined, workers, pieces, (p) => {
      seen[p]!++;
    });
    expect(seen).toEqual(new Array(pieces).fill(1));
  });

  it('hands pieces out in ascending order and never runs more workers than pieces', async () => {
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    await parallelizeUntil(new AbortController().signal, 8, 3, async (p) => {
      started.push(p);
      peak = Math.max(peak, ++running);
      await flush();
      running--;
    });
    expect(started).toEqual([0, 1, 2]);
    expect(peak).toBe(3);
  });

  it('does nothing for zero pieces', async () => {
    const fn = vi.fn();
    await parallelizeUntil(undefined, 4, 0, fn);
    expect(fn).not.toHaveBeenCalled();
  });

  it('runs nothing when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const fn = vi.fn();
    await parallelizeUntil(ac.signal, 4, 100, fn);
    expect(fn).not.toHaveBeenCalled();
  });

  it('starts no new piece after an abort; pieces already running finish', async () => {
    const ac = new AbortController();
    const started: number[] = [];
    const finished: number[] = [];
    await parallelizeUntil(ac.signal, 4, 100, async (p) => {
      started.push(p);
      if (p === 5) ac.abort();
      await flush();
      finished.push(p);
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...finished].sort((a, b) => a - b)).toEqual(started);
  });
});
