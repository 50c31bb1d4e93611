// Work queue semantics pinned by client-go's queue, delaying queue and rate limiter tests, plus
// concurrency: no item is ever processed by two workers at once, none is lost on drain.
import * as promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/wait/clock.js';
import {
  BucketRateLimiter,
  DelayingQueue,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  parallelizeUntil,
  promClientMetricsProvider,
  Queue,
  RateLimitingQueue,
  WithMaxWaitRateLimiter,
} from '../../../src/util/workqueue/index.js';

type Step = ['add', string] | ['get', string] | ['done', string] | ['len', number];

describe('Queue dirty/processing rules', () => {
  it.each<[string, Step[]]>([
    [
      'dedups an item added while queued',
      [
        ['add', 'a'],
        ['add', 'a'],
        ['len', 1],
        ['get', 'a'],
        ['len', 0],
      ],
    ],
    [
      'keeps FIFO order',
      [
        ['add', 'a'],
        ['add', 'b'],
        ['add', 'c'],
        ['get', 'a'],
        ['get', 'b'],
        ['get', 'c'],
      ],
    ],
    [
      're-queues an item added while processing only at done',
      [
        ['add', 'a'],
        ['get', 'a'],
        ['add', 'a'],
        ['len', 0],
        ['done', 'a'],
        ['len', 1],
        ['get', 'a'],
      ],
    ],
    [
      'does not re-queue after done without a new add',
      [
        ['add', 'a'],
        ['get', 'a'],
        ['done', 'a'],
        ['len', 0],
      ],
    ],
    [
      'collapses several adds during processing into one',
      [
        ['add', 'a'],
        ['get', 'a'],
        ['add', 'a'],
        ['add', 'a'],
        ['done', 'a'],
        ['len', 1],
      ],
    ],
  ])('%s', async (_name, steps) => {
    const q = new Queue<string>();
    for (const step of steps) {
      if (step[0] === 'add') q.add(step[1]);
      else if (step[0] === 'done') q.done(step[1]);
      else if (step[0] === 'len') expect(q.len()).toBe(step[1]);
      else expect((await q.get()).item).toBe(step[1]);
    }
  });

  it('wakes a waiting get on add and resolves shutdown when shut down and empty', async () => {
    const q = new Queue<string>();
    const pending = q.get();
    q.add('x');
    expect(await pending).toEqual({ item: 'x', shutdown: false });
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toEqual({ item: undefined, shutdown: true });
    q.add('ignored');
    expect(q.len()).toBe(0);
  });

  it('hands out queued items after shutDown before reporting shutdown', async () => {
    const q = new Queue<string>();
    q.add('a');
    q.shutDown();
    expect((await q.get()).item).toBe('a');
    expect((await q.get()).shutdown).toBe(true);
  });

  it('shutDownWithDrain waits for in-flight items', async () => {
    const q = new Queue<string>();
    q.add('a');
    const { item } = await q.get();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    q.done(item!);
    await drain;
    expect(drained).toBe(true);
  });

  it('never gives one item to two workers and loses none (many workers)', async () => {
    const q = new Queue<string>();
    const active = new Set<string>();
    const processed = new Map<string, number>();
    let overlaps = 0;
    const worker = async () => {
      for (;;) {
        const { item, shutdown } = await q.get();
        if (shutdown) return;
        if (active.has(item)) overlaps++;
        active.add(item);
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        processed.set(item, (processed.get(item) ?? 0) + 1);
        active.delete(item);
        q.done(item);
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 50; k++) q.add(`key-${k}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 50));
    await q.shutDownWithDrain();
    q.shutDown();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed.size).toBe(50);
    expect(q.len()).toBe(0);
  });
});

describe('DelayingQueue', () => {
  it('adds after the delay, keeps one timer, and only moves an item earlier', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 50);
    q.addAfter('b', 30);
    q.addAfter('a', 100); // later: ignored
    expect(clock.pendingTimers).toBe(1);
    clock.step(30);
    expect(q.len()).toBe(1);
    q.addAfter('a', 5); // earlier: moved up
    clock.step(5);
    expect(q.len()).toBe(2);
    expect(q.waitingLen()).toBe(0);
    clock.step(100);
    expect(q.len()).toBe(2);
  });

  it('adds at once for a non-positive delay and nothing after shutdown', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('now', 0);
    expect(q.len()).toBe(1);
    q.shutDown();
    q.addAfter('late', 10);
    clock.step(20);
    expect(q.len()).toBe(1);
  });

  it('orders many items by ready time', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<number>({ clock });
    const delays = [50, 10, 40, 20, 30, 0];
    for (const d of delays) q.addAfter(d, d);
    clock.step(100);
    const out: number[] = [];
    while (q.len() > 0) out.push((await q.get()).item!);
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
  });
});

describe('rate limiters', () => {
  it('exponential per item, capped, reset by forget', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(1, 1000);
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('b')]).toEqual([1, 2, 4, 1]);
    expect(rl.numRequeues('a')).toBe(3);
    for (let i = 0; i < 100; i++) rl.when('a');
    expect(rl.when('a')).toBe(1000);
    rl.forget('a');
    expect(rl.when('a')).toBe(1);
    expect(new ItemExponentialFailureRateLimiter<string>(5, 1000_000).when('x')).toBe(5);
  });

  it('fast then slow', () => {
    const rl = new ItemFastSlowRateLimiter<string>(5, 10_000, 3);
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('a')]).toEqual([5, 5, 5, 10_000]);
    expect(rl.numRequeues('a')).toBe(4);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
  });

  it('bucket: burst free, then 1/qps apart', () => {
    let now = 0;
    const rl = new BucketRateLimiter<string>(10, 2, () => now);
    expect([rl.when('a'), rl.when('b')]).toEqual([0, 0]);
    expect(rl.when('c')).toBeCloseTo(100);
    expect(rl.when('d')).toBeCloseTo(200);
    now = 1000;
    expect(rl.when('e')).toBe(0);
  });

  it('max-of takes the longest and max-wait caps it', () => {
    const rl = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter(1, 1e9),
      new ItemFastSlowRateLimiter(3, 7, 1),
    );
    expect([rl.when('a'), rl.when('a'), rl.when('a'), rl.when('a')]).toEqual([3, 7, 7, 8]);
    const capped = new WithMaxWaitRateLimiter(new ItemExponentialFailureRateLimiter<string>(100, 1e9), 250);
    expect([capped.when('a'), capped.when('a'), capped.when('a')]).toEqual([100, 200, 250]);
  });

  it('default controller limiter starts at 5 ms per item', () => {
    const rl = defaultControllerRateLimiter<string>();
    expect(rl.when('a')).toBe(5);
    expect(rl.when('a')).toBe(10);
  });
});

describe('RateLimitingQueue', () => {
  it('requeues with backoff and forgets', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(10, 1000), { clock });
    q.addRateLimited('a');
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    clock.step(10);
    expect(q.len()).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('reports client-go metrics through prom-client', async () => {
    const registry = new promClient.Registry();
    const clock = new FakeClock();
    const q = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter(1, 10), {
      name: 'test-queue',
      clock,
      metricsProvider: promClientMetricsProvider(promClient, registry),
    });
    q.add('a');
    q.add('b');
    const { item } = await q.get();
    clock.step(2000);
    q.done(item!);
    q.addRateLimited('c');
    const text = await registry.metrics();
    expect(text).toContain('workqueue_adds_total{name="test-queue"} 2');
    expect(text).toContain('workqueue_depth{name="test-queue"} 1');
    expect(text).toContain('workqueue_retries_total{name="test-queue"} 1');
    expect(text).toMatch(/workqueue_work_duration_seconds_sum\{name="test-queue"\} 2/);
    expect(text).toMatch(/workqueue_longest_running_processor_seconds\{name="test-queue"\} \d/);
    q.shutDown();
  });
});

describe('parallelizeUntil', () => {
  it('runs every piece with bounded concurrency and stops on abort', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await parallelizeUntil(undefined, 3, 10, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1));
      done.push(i);
      running--;
    });
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    const ac = new AbortController();
    let count = 0;
    await parallelizeUntil(ac.signal, 1, 100, () => {
      if (++count === 5) ac.abort();
    });
    expect(count).toBe(5);
  });
});
