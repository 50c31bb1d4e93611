// Flow control semantics: the token bucket behaves like golang.org/x/time/rate (full start, refill,
// debt and delays, cancel, burst 0, infinite rate) and the REST client's limiters behave like
// client-go's flowcontrol ones (tryAccept, wait timing, abort handling, fake limiters).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as flowcontrol from '../../../src/util/flowcontrol/index.js';
import {
  newFakeAlwaysRateLimiter,
  newFakeNeverRateLimiter,
  newTokenBucketRateLimiter,
  type RateLimiter,
  TokenBucket,
} from '../../../src/util/flowcontrol/index.js';
import * as rateLimiterModule from '../../../src/util/flowcontrol/rate-limiter.js';
import * as tokenBucketModule from '../../../src/util/flowcontrol/token-bucket.js';

/** A bucket driven by a hand-moved clock (milliseconds). */
function clockedBucket(qps: number, burst: number) {
  const clock = { ms: 0 };
  const bucket = new TokenBucket(qps, burst, () => clock.ms);
  return { bucket, clock };
}

/** Tracks whether a promise has settled, and how. */
function track(p: Promise<void>) {
  const state: { settled: 'pending' | 'resolved' | 'rejected'; reason?: unknown } = { settled: 'pending' };
  p.then(
    () => {
      state.settled = 'resolved';
    },
    (err: unknown) => {
      state.settled = 'rejected';
      state.reason = err;
    },
  );
  return state;
}

describe('TokenBucket', () => {
  it.each([
    [1, 1],
    [5, 10],
    [100, 3],
    [0.5, 2],
  ])('starts full: qps %d, burst %d allows exactly burst at once', (qps, burst) => {
    const { bucket } = clockedBucket(qps, burst);
    expect(bucket.tokensAt()).toBe(burst);
    for (let i = 0; i < burst; i++) expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
  });

  it('exposes the configured qps and burst', () => {
    const bucket = new TokenBucket(7, 3);
    expect(bucket.qps).toBe(7);
    expect(bucket.burst).toBe(3);
  });

  it.each<[string, number, number, number, number]>([
    // name, qps, burst, elapsed ms after draining, expected tokens
    ['refills linearly', 4, 2, 250, 1],
    ['refills fractionally', 4, 2, 125, 0.5],
    ['refills to the brim', 4, 2, 500, 2],
    ['never exceeds burst after a long idle', 4, 2, 60_000, 2],
    ['slow rates refill slowly', 0.5, 1, 1000, 0.5],
  ])('%s', (_name, qps, burst, elapsed, expected) => {
    const { bucket, clock } = clockedBucket(qps, burst);
    for (let i = 0; i < burst; i++) bucket.allow();
    expect(bucket.tokensAt()).toBe(0);
    clock.ms = elapsed;
    expect(bucket.tokensAt()).toBeCloseTo(expected, 9);
  });

  it('allow grants again once a whole token has refilled, not before', () => {
    const { bucket, clock } = clockedBucket(10, 1);
    expect(bucket.allow()).toBe(true);
    clock.ms = 99;
    expect(bucket.allow()).toBe(false);
    clock.ms = 100;
    expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
  });

  it('allow never drives the bucket negative', () => {
    const { bucket } = clockedBucket(1, 1);
    bucket.allow();
    for (let i = 0; i < 5; i++) expect(bucket.allow()).toBe(false);
    expect(bucket.tokensAt()).toBe(0);
  });

  it('honours explicit timestamps passed to allow and tokensAt', () => {
    const bucket = new TokenBucket(2, 1, () => 0);
    expect(bucket.allow(0)).toBe(true);
    expect(bucket.allow(400)).toBe(false);
    expect(bucket.tokensAt(500)).toBe(1);
    expect(bucket.allow(500)).toBe(true);
  });

  it('an earlier timestamp neither refills nor drains the bucket', () => {
    const { bucket, clock } = clockedBucket(10, 2);
    clock.ms = 1000;
    bucket.allow();
    expect(bucket.tokensAt(0)).toBe(1);
    expect(bucket.tokensAt(1000)).toBe(1);
  });

  it.each<[string, number, number, number[]]>([
    // name, qps, burst, expected delays (ms) of back-to-back reservations at t=0
    ['burst 1 at 2 qps', 2, 1, [0, 500, 1000, 1500]],
    ['burst 3 at 10 qps', 10, 3, [0, 0, 0, 100, 200]],
    ['burst 2 at 0.5 qps', 0.5, 2, [0, 0, 2000, 4000]],
  ])('reservations run into debt and report growing delays: %s', (_name, qps, burst, delays) => {
    const { bucket } = clockedBucket(qps, burst);
    const got = delays.map(() => bucket.reserve());
    for (const r of got) expect(r.ok).toBe(true);
    expect(got.map((r) => r.delayMs)).toEqual(delays.map((d) => expect.closeTo(d, 6)));
    expect(bucket.tokensAt()).toBeCloseTo(burst - delays.length, 9);
  });

  it('pays the debt back over time before granting again', () => {
    const { bucket, clock } = clockedBucket(2, 1);
    for (let i = 0; i < 4; i++) bucket.reserve();
    expect(bucket.tokensAt()).toBe(-3);
    clock.ms = 1500;
    expect(bucket.tokensAt()).toBe(0);
    expect(bucket.allow()).toBe(false);
    const r = bucket.reserve();
    expect(r.delayMs).toBeCloseTo(500, 6);
    clock.ms = 4000;
    expect(bucket.tokensAt()).toBe(1);
  });

  it('a reservation after a partial refill waits only for the missing fraction', () => {
    const { bucket, clock } = clockedBucket(4, 1);
    bucket.reserve();
    clock.ms = 100;
    const r = bucket.reserve();
    expect(r.ok).toBe(true);
    expect(r.delayMs).toBeCloseTo(150, 6);
  });

  it('cancelling an immediate reservation returns its token', () => {
    const { bucket } = clockedBucket(1, 1);
    const r = bucket.reserve();
    expect(r).toMatchObject({ ok: true, delayMs: 0 });
    expect(bucket.allow()).toBe(false);
    r.cancel();
    expect(bucket.tokensAt()).toBe(1);
    expect(bucket.allow()).toBe(true);
  });

  it('cancelling a delayed reservation shortens the wait of the next one', () => {
    const { bucket, clock } = clockedBucket(10, 1);
    bucket.reserve();
    const r = bucket.reserve();
    expect(r.delayMs).toBeCloseTo(100, 6);
    clock.ms = 40;
    r.cancel();
    const next = bucket.reserve();
    expect(next.delayMs).toBeCloseTo(60, 6);
  });

  it('cancel never lifts the bucket above burst', () => {
    const { bucket, clock } = clockedBucket(10, 2);
    const r = bucket.reserve();
    clock.ms = 10_000;
    r.cancel();
    expect(bucket.tokensAt()).toBe(2);
  });

  it.each([
    [1, 0],
    [5, 0],
    [1000, 0],
    [5, 0.5],
    [0, 0],
  ])('qps %d with burst %d can never grant: reserve is not ok and costs nothing', (qps, burst) => {
    const { bucket, clock } = clockedBucket(qps, burst);
    for (const at of [0, 1000, 60_000]) {
      clock.ms = at;
      const r = bucket.reserve();
      expect(r.ok).toBe(false);
      expect(r.delayMs).toBe(Number.POSITIVE_INFINITY);
      r.cancel();
      expect(bucket.allow()).toBe(false);
    }
    expect(bucket.tokensAt()).toBe(burst);
  });

  it('qps 0 grants the initial burst and then never again', () => {
    const { bucket, clock } = clockedBucket(0, 2);
    expect(bucket.reserve()).toMatchObject({ ok: true, delayMs: 0 });
    expect(bucket.reserve()).toMatchObject({ ok: true, delayMs: 0 });
    clock.ms = 3_600_000;
    const r = bucket.reserve();
    expect(r).toMatchObject({ ok: false, delayMs: Number.POSITIVE_INFINITY });
    expect(bucket.allow()).toBe(false);
    expect(bucket.tokensAt()).toBe(0);
  });

  it.each([0, 1, 10])('infinite qps allows everything (burst %d)', (burst) => {
    const { bucket } = clockedBucket(Number.POSITIVE_INFINITY, burst);
    for (let i = 0; i < 1000; i++) expect(bucket.allow()).toBe(true);
    for (let i = 0; i < 100; i++) expect(bucket.reserve()).toMatchObject({ ok: true, delayMs: 0 });
    expect(bucket.tokensAt()).toBe(burst);
  });

  it('uses the real clock when none is injected', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.allow()).toBe(true);
    expect(bucket.allow()).toBe(false);
    expect(bucket.reserve().delayMs).toBeGreaterThan(0);
  });
});

describe('newTokenBucketRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [5, 10],
    [0.5, 1],
    [100, 200],
  ])('reports qps %d', (qps, burst) => {
    expect(newTokenBucketRateLimiter(qps, burst).qps()).toBe(qps);
  });

  it.each([
    [10, 1],
    [5, 10],
    [1, 3],
  ])('tryAccept at qps %d grants burst %d at once, then one per 1/qps', async (qps, burst) => {
    const limiter = newTokenBucketRateLimiter(qps, burst);
    for (let i = 0; i < burst; i++) expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(false);
    await vi.advanceTimersByTimeAsync(1000 / qps - 1);
    expect(limiter.tryAccept()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(limiter.tryAccept()).toBe(true);
    expect(limiter.tryAccept()).toBe(false);
  });

  it('wait resolves at once while the burst lasts', async () => {
    const limiter = newTokenBucketRateLimiter(1, 3);
    const waits = [limiter.wait(), limiter.wait(), limiter.wait()].map(track);
    await vi.advanceTimersByTimeAsync(0);
    expect(waits.map((w) => w.settled)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it.each([
    [10, 1],
    [5, 2],
    [2, 1],
  ])('wait at qps %d, burst %d spaces queued callers 1/qps apart', async (qps, burst) => {
    const limiter = newTokenBucketRateLimiter(qps, burst);
    const step = 1000 / qps;
    const waits = Array.from({ length: burst + 3 }, () => track(limiter.wait()));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 3; i++) {
      const due = burst + i;
      expect(waits.slice(0, due).every((w) => w.settled === 'resolved')).toBe(true);
      expect(waits[due]?.settled).toBe('pending');
      await vi.advanceTimersByTimeAsync(step - 1);
      expect(waits[due]?.settled).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(waits[due]?.settled).toBe('resolved');
    }
  });

  it('tryAccept fails while waiters hold the refilled tokens', async () => {
    const limiter = newTokenBucketRateLimiter(10, 1);
    expect(limiter.tryAccept()).toBe(true);
    const w = track(limiter.wait());
    await vi.advanceTimersByTimeAsync(100);
    expect(w.settled).toBe('resolved');
    expect(limiter.tryAccept()).toBe(false);
  });

  it('wait rejects with the reason of an already-aborted signal and takes no token', async () => {
    const limiter = newTokenBucketRateLimiter(10, 1);
    const reason = new Error('gone');
    await expect(limiter.wait(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(limiter.tryAccept()).toBe(true);
  });

  it('an abort during the wait rejects with the signal reason and returns the token', async () => {
    const limiter = newTokenBucketRateLimiter(10, 1);
    expect(limiter.tryAccept()).toBe(true);
    const controller = new AbortController();
    const aborted = track(limiter.wait(controller.signal));
    await vi.advanceTimersByTimeAsync(50);
    const reason = new DOMException('deadline exceeded', 'TimeoutError');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted.settled).toBe('rejected');
    expect(aborted.reason).toBe(reason);
    expect((aborted.reason as DOMException).name).toBe('TimeoutError');

    // The cancelled reservation gave its token back: the next caller waits 50 ms, not 150 ms.
    const next = track(limiter.wait());
    await vi.advanceTimersByTimeAsync(49);
    expect(next.settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(next.settled).toBe('resolved');
  });

  it('an abort after the wait completed changes nothing', async () => {
    const limiter = newTokenBucketRateLimiter(10, 1);
    expect(limiter.tryAccept()).toBe(true);
    const controller = new AbortController();
    const w = track(limiter.wait(controller.signal));
    await vi.advanceTimersByTimeAsync(100);
    expect(w.settled).toBe('resolved');
    controller.abort(new Error('late'));
    expect(limiter.tryAccept()).toBe(false);
  });

  it('an abort after an immediate grant changes nothing', async () => {
    const limiter = newTokenBucketRateLimiter(10, 1);
    const controller = new AbortController();
    await limiter.wait(controller.signal);
    controller.abort();
    expect(limiter.tryAccept()).toBe(false);
  });

  it.each([
    [5, 0],
    [1, 0],
  ])('wait rejects at once when qps %d and burst %d can never grant', async (qps, burst) => {
    const limiter = newTokenBucketRateLimiter(qps, burst);
    await expect(limiter.wait()).rejects.toThrow(/can never grant/);
    expect(limiter.tryAccept()).toBe(false);
  });

  it('wait rejects once a zero-rate limiter has spent its burst', async () => {
    const limiter = newTokenBucketRateLimiter(0, 2);
    await limiter.wait();
    await limiter.wait();
    await expect(limiter.wait()).rejects.toThrow(/can never grant/);
  });

  it('infinite qps waits for nothing, whatever the burst', async () => {
    const limiter = newTokenBucketRateLimiter(Number.POSITIVE_INFINITY, 0);
    const waits = Array.from({ length: 50 }, () => track(limiter.wait()));
    await vi.advanceTimersByTimeAsync(0);
    expect(waits.every((w) => w.settled === 'resolved')).toBe(true);
    expect(limiter.tryAccept()).toBe(true);
  });

  it('stop is a harmless no-op', () => {
    const limiter = newTokenBucketRateLimiter(1, 1);
    limiter.stop();
    expect(limiter.tryAccept()).toBe(true);
  });
});

describe('fake rate limiters', () => {
  it('the always limiter accepts everything at once', async () => {
    const limiter: RateLimiter = newFakeAlwaysRateLimiter();
    for (let i = 0; i < 1000; i++) expect(limiter.tryAccept()).toBe(true);
    await expect(limiter.wait()).resolves.toBeUndefined();
    await expect(limiter.wait(new AbortController().signal)).resolves.toBeUndefined();
    expect(limiter.qps()).toBe(0);
    expect(() => limiter.stop()).not.toThrow();
  });

  it('the never limiter refuses everything and wait rejects at once', async () => {
    const limiter: RateLimiter = newFakeNeverRateLimiter();
    expect(limiter.tryAccept()).toBe(false);
    await expect(limiter.wait()).rejects.toThrow(/never accepts/);
    expect(limiter.qps()).toBe(0);
    limiter.stop();
    expect(limiter.tryAccept()).toBe(false);
  });
});

describe('flowcontrol index', () => {
  it.each<[string, unknown]>([
    ['newTokenBucketRateLimiter', rateLimiterModule.newTokenBucketRateLimiter],
    ['newFakeAlwaysRateLimiter', rateLimiterModule.newFakeAlwaysRateLimiter],
    ['newFakeNeverRateLimiter', rateLimiterModule.newFakeNeverRateLimiter],
    ['TokenBucket', tokenBucketModule.TokenBucket],
  ])('re-exports %s', (name, value) => {
    expect((flowcontrol as Record<string, unknown>)[name]).toBe(value);
  });

  it('exports nothing else at runtime', () => {
    expect(Object.keys(flowcontrol).sort()).toEqual([
      'TokenBucket',
      'newFakeAlwaysRateLimiter',
      'newFakeNeverRateLimiter',
      'newTokenBucketRateLimiter',
    ]);
  });
});
