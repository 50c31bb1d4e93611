// util/wait as apimachinery's wait package pins it: Jitter, Backoff.Step, ExponentialBackoff, the poll loops,
// (Jitter/NonSliding)Until, the resetting exponential backoff manager, plus the abort-listener bookkeeping
// (sleep removes its listener, holdAbortListeners lifts the MaxListeners limit only while held).
import { getEventListeners, getMaxListeners, setMaxListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as wait from '../../../src/util/wait/index.js';
import {
  type Backoff,
  BackoffStepper,
  exponentialBackoff,
  FakeClock,
  holdAbortListeners,
  jitter,
  jitterUntil,
  newExponentialBackoffManager,
  pollUntilContextCancel,
  pollUntilContextTimeout,
  sleep,
  until,
  WaitTimeoutError,
} from '../../../src/util/wait/index.js';

type Outcome = boolean | Error;

/** A condition that plays `script` (then `rest` forever) and records the (fake) time of each call. */
function scripted(script: Outcome[], rest: Outcome = false) {
  const t0 = Date.now();
  const at: number[] = [];
  const condition = (): boolean => {
    const next = script[at.length] ?? rest;
    at.push(Date.now() - t0);
    if (next instanceof Error) throw next;
    return next;
  };
  return { condition, at };
}

/** Runs every fake timer and returns 'ok' or what the promise rejected with. */
async function settle(p: Promise<unknown>): Promise<unknown> {
  const outcome = p.then(
    () => 'ok',
    (err: unknown) => err,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('public surface', () => {
  it('index re-exports the wait package and nothing else', () => {
    expect(Object.keys(wait).sort()).toEqual(
      [
        'BackoffStepper',
        'FakeClock',
        'WaitTimeoutError',
        'exponentialBackoff',
        'holdAbortListeners',
        'jitter',
        'jitterUntil',
        'newExponentialBackoffManager',
        'pollUntilContextCancel',
        'pollUntilContextTimeout',
        'realClock',
        'sleep',
        'until',
      ].sort(),
    );
  });

  it.each([
    ['default message', undefined, 'timed out waiting for the condition'],
    ['custom message', 'gave up', 'gave up'],
  ])('WaitTimeoutError is a typed Error (%s)', (_n, message, expected) => {
    const err = new WaitTimeoutError(message);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('WaitTimeoutError');
    expect(err.message).toBe(expected);
  });
});

describe('jitter', () => {
  it.each([
    ['no randomness adds nothing', 1000, 0.1, 0, 1000],
    ['adds random * factor * ms', 1000, 0.1, 0.5, 1050],
    ['stays below ms * (1 + factor)', 1000, 0.1, 0.999, 1099.9],
    ['factor 0 means 1.0', 1000, 0, 0.5, 1500],
    ['negative factor means 1.0', 1000, -3, 0.25, 1250],
    ['zero duration stays zero', 0, 2, 0.7, 0],
  ])('%s', (_n, ms, factor, random, expected) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    expect(jitter(ms, factor)).toBeCloseTo(expected, 6);
  });

  it('with real randomness always lands in [ms, ms * (1 + factor))', () => {
    for (let i = 0; i < 200; i++) {
      const d = jitter(100, 0.5);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThan(150);
    }
  });
});

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('resolves after ms and removes its abort listener', async () => {
    const signal = new AbortController().signal;
    let done = false;
    const p = sleep(50, signal).then(() => {
      done = true;
    });
    expect(abortListeners(signal)).toBe(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect(abortListeners(signal)).toBe(0);
  });

  it('rejects with the reason when aborted mid-sleep and cancels its timer', async () => {
    const ctl = new AbortController();
    const p = sleep(1000, ctl.signal);
    const reason = new Error('stop');
    ctl.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(abortListeners(ctl.signal)).toBe(0);
  });

  it('rejects at once, without a timer, when already aborted', async () => {
    const reason = new Error('already');
    const p = sleep(1000, AbortSignal.abort(reason));
    expect(vi.getTimerCount()).toBe(0);
    await expect(p).rejects.toBe(reason);
  });

  it('many sequential sleeps on one signal never accumulate listeners', async () => {
    const signal = new AbortController().signal;
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    for (let i = 0; i < 50; i++) {
      const p = sleep(1, signal);
      await vi.advanceTimersByTimeAsync(1);
      await p;
    }
    expect(abortListeners(signal)).toBe(0);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('BackoffStepper (Backoff.Step)', () => {
  it.each<[string, Backoff, number[], number]>([
    [
      'negative steps: constant duration',
      { durationMs: 1000, factor: 2, jitter: 0, steps: -1 },
      [1000, 1000, 1000],
      -1,
    ],
    ['zero steps: constant duration', { durationMs: 1000, factor: 2, jitter: 0, steps: 0 }, [1000, 1000, 1000], 0],
    ['one step, no factor', { durationMs: 1000, factor: 0, jitter: 0, steps: 1 }, [1000, 1000, 1000], 0],
    ['factor 1 keeps the duration', { durationMs: 1000, factor: 1, jitter: 0, steps: 5 }, [1000, 1000, 1000], 2],
    [
      'factor 2 grows for `steps` steps, then stays at the last duration',
      { durationMs: 1000, factor: 2, jitter: 0, steps: 3 },
      [1000, 2000, 4000, 8000, 8000],
      0,
    ],
    [
      'cap limits the duration and ends the steps',
      { durationMs: 1000, factor: 2, jitter: 0, steps: 10, capMs: 3000 },
      [1000, 2000, 3000, 3000, 3000],
      0,
    ],
    [
      'cap 0 means no cap',
      { durationMs: 1000, factor: 2, jitter: 0, steps: 4, capMs: 0 },
      [1000, 2000, 4000, 8000, 16000],
      0,
    ],
    [
      'the deprecated names duration and cap still work',
      { duration: 1000, factor: 2, jitter: 0, steps: 10, cap: 3000 },
      [1000, 2000, 3000, 3000],
      0,
    ],
    [
      'a deprecated name that is set wins over its Ms name',
      { durationMs: 5, duration: 1000, factor: 2, jitter: 0, steps: 10, capMs: 1, cap: 3000 },
      [1000, 2000, 3000, 3000],
      0,
    ],
    [
      "client-go's DefaultBackoff numbers",
      { durationMs: 10, factor: 5, jitter: 0, steps: 4 },
      [10, 50, 250, 1250, 6250, 6250],
      0,
    ],
  ])('%s', (_n, backoff, want, stepsLeft) => {
    const b = new BackoffStepper(backoff);
    expect(want.map(() => b.step())).toEqual(want);
    expect(b.steps).toBe(stepsLeft);
  });

  it('does not mutate the Backoff it was given', () => {
    const backoff: Backoff = { durationMs: 1000, factor: 2, jitter: 0, steps: 3, capMs: 5000 };
    const b = new BackoffStepper(backoff);
    b.step();
    b.step();
    expect(backoff).toEqual({ durationMs: 1000, factor: 2, jitter: 0, steps: 3, capMs: 5000 });
  });

  it.each<[string, Backoff, number[]]>([
    [
      'jitter applies to each step and does not compound',
      { durationMs: 1000, factor: 2, jitter: 0.5, steps: 3 },
      [1250, 2500, 5000, 10000],
    ],
    [
      'jitter applies after the cap',
      { durationMs: 1000, factor: 2, jitter: 1, steps: 5, capMs: 3000 },
      [1500, 3000, 4500, 4500],
    ],
    ['jitter applies once the steps are used up', { durationMs: 1000, factor: 2, jitter: 1, steps: 0 }, [1500, 1500]],
  ])('%s', (_n, backoff, want) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const b = new BackoffStepper(backoff);
    expect(want.map(() => b.step())).toEqual(want);
  });

  it('with real randomness each step lies within [base, base * (1 + jitter)]', () => {
    const b = new BackoffStepper({ durationMs: 1000, factor: 2, jitter: 4, steps: 6 });
    [1000, 2000, 4000, 8000, 16000, 32000].forEach((base) => {
      const d = b.step();
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThanOrEqual(base * 5);
    });
  });
});

describe('exponentialBackoff', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  const boom = new Error('boom');
  it.each<[string, number, Outcome[], number, unknown]>([
    ['zero steps: times out without checking', 0, [], 0, WaitTimeoutError],
    ['negative steps: times out without checking', -1, [], 0, WaitTimeoutError],
    ['one step, false: one check then timeout', 1, [], 1, WaitTimeoutError],
    ['one step, true: done', 1, [true], 1, 'ok'],
    ['always false: exactly `steps` checks', 5, [], 5, WaitTimeoutError],
    ['true on the 3rd check: stops there', 5, [false, false, true], 3, 'ok'],
    ['error on the 1st check: returned at once', 5, [boom], 1, boom],
    ['error on the 2nd check: returned, no retry', 5, [false, boom, true], 2, boom],
  ])('%s', async (_n, steps, script, checks, outcome) => {
    const { condition, at } = scripted(script);
    const result = await settle(exponentialBackoff({ durationMs: 10, factor: 1, jitter: 0, steps }, condition));
    expect(at).toHaveLength(checks);
    if (outcome === WaitTimeoutError) expect(result).toBeInstanceOf(WaitTimeoutError);
    else expect(result).toBe(outcome);
  });

  it('sleeps the stepped durations between checks and not after the last one', async () => {
    const { condition, at } = scripted([]);
    const t0 = Date.now();
    const result = await settle(exponentialBackoff({ durationMs: 10, factor: 2, jitter: 0, steps: 4 }, condition));
    expect(result).toBeInstanceOf(WaitTimeoutError);
    expect(at).toEqual([0, 10, 30, 70]);
    expect(Date.now() - t0).toBe(70);
  });

  it('stops once the cap has ended the steps, as apimachinery does', async () => {
    const { condition, at } = scripted([]);
    const t0 = Date.now();
    const result = await settle(
      exponentialBackoff({ durationMs: 10, factor: 2, jitter: 0, steps: 10, capMs: 30 }, condition),
    );
    expect(result).toBeInstanceOf(WaitTimeoutError);
    // checks at 0 and 10; the sleep of 20 that hit the cap is the last thing done
    expect(at).toEqual([0, 10]);
    expect(Date.now() - t0).toBe(30);
  });

  it('accepts an async condition', async () => {
    let n = 0;
    const result = await settle(
      exponentialBackoff({ durationMs: 10, factor: 1, jitter: 0, steps: 5 }, async () => ++n === 2),
    );
    expect(result).toBe('ok');
    expect(n).toBe(2);
  });

  it('rejects with the signal reason when aborted during a sleep', async () => {
    const ctl = new AbortController();
    const { condition, at } = scripted([]);
    const p = exponentialBackoff({ durationMs: 100, factor: 1, jitter: 0, steps: 5 }, condition, ctl.signal);
    const outcome = p.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(150);
    const reason = new Error('cancelled');
    ctl.abort(reason);
    expect(await outcome).toBe(reason);
    expect(at).toEqual([0, 100]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pollUntilContextCancel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  const boom = new Error('boom');
  it.each<[string, boolean, Outcome[], number[], unknown]>([
    ['immediate: checks before waiting', true, [true], [0], 'ok'],
    ['not immediate: waits one interval first', false, [true], [10], 'ok'],
    ['immediate: checks every interval until true', true, [false, false, true], [0, 10, 20], 'ok'],
    ['not immediate: checks every interval until true', false, [false, false, true], [10, 20, 30], 'ok'],
    ['immediate: an error ends the poll at once', true, [boom], [0], boom],
    ['not immediate: an error ends the poll', false, [false, boom, true], [10, 20], boom],
  ])('%s', async (_n, immediate, script, at, outcome) => {
    const signal = new AbortController().signal;
    const c = scripted(script);
    expect(await settle(pollUntilContextCancel(signal, 10, immediate, c.condition))).toBe(outcome);
    expect(c.at).toEqual(at);
    expect(abortListeners(signal)).toBe(0);
  });

  it.each<[string, boolean, Outcome, number, string]>([
    ['immediate still checks once, and succeeds', true, true, 1, 'ok'],
    ['immediate still checks once, then gives the reason', true, false, 1, 'reason'],
    ['not immediate never checks', false, true, 0, 'reason'],
  ])('already aborted signal: %s', async (_n, immediate, result, checks, outcome) => {
    const reason = new Error('stopped');
    const c = scripted([], result);
    const got = await settle(pollUntilContextCancel(AbortSignal.abort(reason), 10, immediate, c.condition));
    expect(got).toBe(outcome === 'ok' ? 'ok' : reason);
    expect(c.at).toHaveLength(checks);
  });

  it('aborting mid-poll rejects with the reason and stops checking', async () => {
    const ctl = new AbortController();
    const c = scripted([]);
    const outcome = pollUntilContextCancel(ctl.signal, 10, true, c.condition).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(25);
    const reason = new Error('cancel');
    ctl.abort(reason);
    expect(await outcome).toBe(reason);
    await vi.advanceTimersByTimeAsync(100);
    expect(c.at).toEqual([0, 10, 20]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps at most one abort listener on the signal however long it polls', async () => {
    const ctl = new AbortController();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const outcome = pollUntilContextCancel(ctl.signal, 1, false, () => false).catch(() => 'aborted');
    for (let i = 0; i < 50; i++) {
      await vi.advanceTimersByTimeAsync(1);
      expect(abortListeners(ctl.signal)).toBeLessThanOrEqual(1);
    }
    ctl.abort();
    expect(await outcome).toBe('aborted');
    expect(abortListeners(ctl.signal)).toBe(0);
    expect(warn).not.toHaveBeenCalled();
  });
});

// AbortSignal.timeout runs on Node's internal timers, which fake timers do not drive: small real durations.
describe('pollUntilContextTimeout', () => {
  it.each([
    ['immediate and true at once', true],
    ['not immediate, true on the first check', false],
  ])('resolves when the condition is true (%s)', async (_n, immediate) => {
    let n = 0;
    await pollUntilContextTimeout(undefined, 5, 1000, immediate, () => {
      n++;
      return true;
    });
    expect(n).toBe(1);
  });

  it('resolves once the condition turns true before the timeout', async () => {
    let n = 0;
    await pollUntilContextTimeout(undefined, 2, 1000, true, async () => ++n === 3);
    expect(n).toBe(3);
  });

  it('gives a WaitTimeoutError when the timeout passes', async () => {
    let n = 0;
    const start = performance.now();
    const err = await pollUntilContextTimeout(undefined, 5, 30, true, () => {
      n++;
      return false;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(performance.now() - start).toBeGreaterThanOrEqual(20);
  });

  it('gives a WaitTimeoutError when the timeout is shorter than the interval', async () => {
    let n = 0;
    const err = await pollUntilContextTimeout(new AbortController().signal, 1000, 10, false, () => {
      n++;
      return true;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(n).toBe(0);
  });

  it.each([
    ['immediate', true, 1],
    ['not immediate', false, 0],
  ])('an already aborted parent signal gives its own reason, not a timeout (%s)', async (_n, immediate, checks) => {
    const reason = new Error('parent gone');
    let n = 0;
    const err = await pollUntilContextTimeout(AbortSignal.abort(reason), 5, 1000, immediate, () => {
      n++;
      return false;
    }).catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(n).toBe(checks);
  });

  it('a parent aborted mid-poll gives its own reason', async () => {
    const ctl = new AbortController();
    const reason = new Error('shutdown');
    let n = 0;
    const err = await pollUntilContextTimeout(ctl.signal, 2, 1000, true, () => {
      if (++n === 3) ctl.abort(reason);
      return false;
    }).catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(n).toBe(3);
  });

  it('an error from the condition ends the poll with that error', async () => {
    const boom = new Error('boom');
    let n = 0;
    const err = await pollUntilContextTimeout(undefined, 2, 1000, false, () => {
      if (++n === 2) throw boom;
      return false;
    }).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(n).toBe(2);
  });

  it.each<[string, Outcome, unknown]>([
    ['an error is kept, not turned into a timeout', new Error('forbidden'), 'forbidden'],
    ['true still counts', true, 'ok'],
  ])('a condition that finishes after the timeout has fired: %s', async (_n, result, outcome) => {
    const got = await pollUntilContextTimeout(undefined, 5, 5, true, async () => {
      await new Promise((r) => setTimeout(r, 30));
      if (result instanceof Error) throw result;
      return result;
    }).then(
      () => 'ok',
      (e: unknown) => (e instanceof Error ? e.message : e),
    );
    expect(got).toBe(outcome);
  });
});

describe('jitterUntil / until', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  /** Records the fake time of each run; each run takes `runMs`. */
  function runs(runMs = 0) {
    const t0 = Date.now();
    const at: number[] = [];
    const fn = async () => {
      at.push(Date.now() - t0);
      if (runMs > 0) await new Promise((r) => setTimeout(r, runMs));
    };
    return { fn, at };
  }

  it.each<[string, (fn: () => unknown, s: AbortSignal) => Promise<void>]>([
    ['until', (fn, s) => until(fn, 0, s)],
    ['jitterUntil sliding', (fn, s) => jitterUntil(fn, 0, 1.0, true, s)],
    ['jitterUntil non-sliding', (fn, s) => jitterUntil(fn, 0, 1.0, false, s)],
  ])('%s never runs fn when the signal is already aborted', async (_n, loop) => {
    const fn = vi.fn();
    await loop(fn, AbortSignal.abort());
    expect(fn).not.toHaveBeenCalled();
  });

  it.each<[string, boolean]>([
    ['sliding', true],
    ['non-sliding', false],
  ])('%s: returns at once when fn aborts the signal, without waiting the period', async (_n, sliding) => {
    const ctl = new AbortController();
    let n = 0;
    await jitterUntil(
      () => {
        n++;
        ctl.abort();
      },
      30_000,
      1.0,
      sliding,
      ctl.signal,
    );
    expect(n).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each<[string, (fn: () => unknown, s: AbortSignal) => Promise<void>, number, number[]]>([
    ['until runs at once, then a period after each run ends', (fn, s) => until(fn, 100, s), 30, [0, 130, 260, 390]],
    [
      'sliding jitterUntil measures from the end of the run',
      (fn, s) => jitterUntil(fn, 100, 0, true, s),
      30,
      [0, 130, 260, 390],
    ],
    [
      'non-sliding measures from the start of the run',
      (fn, s) => jitterUntil(fn, 100, 0, false, s),
      30,
      [0, 100, 200, 300],
    ],
  ])('%s', async (_n, loop, runMs, want) => {
    const ctl = new AbortController();
    const r = runs(runMs);
    const done = loop(r.fn, ctl.signal);
    await vi.advanceTimersByTimeAsync(want.at(-1)! + 1);
    ctl.abort();
    await vi.advanceTimersByTimeAsync(10_000); // lets a run in progress finish; no run follows
    await done;
    expect(r.at).toEqual(want);
    expect(abortListeners(ctl.signal)).toBe(0);
  });

  it('non-sliding runs again at once when a run outlasts the period', async () => {
    const ctl = new AbortController();
    const r = runs(150);
    const done = jitterUntil(r.fn, 100, 0, false, ctl.signal);
    await vi.advanceTimersByTimeAsync(500);
    ctl.abort();
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(r.at.length).toBeGreaterThanOrEqual(3);
    // a timer of 0 ms fires after 1 ms in Node
    for (const gap of r.at.slice(1).map((t, i) => t - r.at[i]!)) {
      expect(gap).toBeGreaterThanOrEqual(150);
      expect(gap).toBeLessThanOrEqual(151);
    }
  });

  it.each<[string, number, number[], number[]]>([
    ['a positive factor jitters each period anew', 1.0, [0, 0.5, 1], [0, 100, 250, 450]],
    ['a negative factor means no jitter at all', -30, [0.9, 0.9, 0.9], [0, 100, 200, 300]],
    ['a zero factor means no jitter at all', 0, [0.9, 0.9, 0.9], [0, 100, 200, 300]],
  ])('%s', async (_n, factor, randoms, want) => {
    const random = vi.spyOn(Math, 'random');
    for (const v of randoms) random.mockReturnValueOnce(v);
    random.mockReturnValue(0);
    const ctl = new AbortController();
    const r = runs();
    const done = jitterUntil(r.fn, 100, factor, true, ctl.signal);
    await vi.advanceTimersByTimeAsync(want.at(-1)! + 1);
    ctl.abort();
    await done;
    expect(r.at).toEqual(want);
    if (factor <= 0) expect(random).not.toHaveBeenCalled();
  });

  it('hands errors (thrown or rejected) to onError and keeps looping', async () => {
    const ctl = new AbortController();
    const errors: unknown[] = [];
    const first = new Error('sync');
    const second = new Error('async');
    let n = 0;
    const done = jitterUntil(
      () => {
        n++;
        if (n === 1) throw first;
        if (n === 2) return Promise.reject(second);
        if (n === 3) ctl.abort();
        return undefined;
      },
      10,
      0,
      true,
      ctl.signal,
      (err) => errors.push(err),
    );
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(errors).toEqual([first, second]);
    expect(n).toBe(3);
  });

  it('reports errors to stderr by default', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const ctl = new AbortController();
    await jitterUntil(
      () => {
        ctl.abort();
        throw new Error('resync failed');
      },
      10,
      0,
      true,
      ctl.signal,
    );
    expect(write).toHaveBeenCalledWith(expect.stringContaining('resync failed'));
  });
});

describe('newExponentialBackoffManager', () => {
  it('doubles up to the max, then starts over after a quiet period longer than reset', () => {
    const clock = new FakeClock();
    const m = newExponentialBackoffManager(1, 10, 10, 2, 0, clock);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => m.backoff())).toEqual([1, 2, 4, 8, 10, 10, 10]);
    clock.step(11);
    expect(m.backoff()).toBe(1);
    expect(m.backoff()).toBe(2);
  });

  it.each([
    ['a gap of exactly reset does not reset', 10, 8],
    ['a gap just over reset resets', 10.5, 1],
    ['a gap shorter than reset does not reset', 3, 8],
  ])('%s', (_n, gap, next) => {
    const clock = new FakeClock();
    const m = newExponentialBackoffManager(1, 100, 10, 2, 0, clock);
    expect([m.backoff(), m.backoff(), m.backoff()]).toEqual([1, 2, 4]);
    clock.step(gap);
    expect(m.backoff()).toBe(next);
  });

  it('measures the quiet period from the last backoff, not the first', () => {
    const clock = new FakeClock();
    const m = newExponentialBackoffManager(1, 1000, 10, 2, 0, clock);
    const got: number[] = [];
    for (let i = 0; i < 6; i++) {
      got.push(m.backoff());
      clock.step(9); // 54 ms in all, yet never 10 ms without a backoff
    }
    expect(got).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('jitters every backoff, on top of the cap', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const m = newExponentialBackoffManager(2, 10, 1000, 2, 1.0, new FakeClock());
    expect([1, 2, 3, 4].map(() => m.backoff())).toEqual([3, 6, 12, 15]);
  });

  it("the Reflector's settings: 800 ms doubling to 30 s", () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const m = newExponentialBackoffManager(800, 30_000, 120_000, 2, 1.0, new FakeClock());
    expect(Array.from({ length: 8 }, () => m.backoff())).toEqual([
      800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000,
    ]);
  });

  it('uses the real clock by default', () => {
    vi.useFakeTimers(); // fakes performance.now as well
    const m = newExponentialBackoffManager(1, 100, 10, 2, 0);
    expect([m.backoff(), m.backoff(), m.backoff()]).toEqual([1, 2, 4]);
    vi.advanceTimersByTime(11);
    expect(m.backoff()).toBe(1);
  });
});

describe('holdAbortListeners', () => {
  let leakWarnings: () => number;
  beforeEach(() => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    leakWarnings = () =>
      warn.mock.calls.filter(([w]) => w instanceof Error && w.name === 'MaxListenersExceededWarning').length;
  });
  const addListeners = (signal: AbortSignal, n: number) => {
    for (let i = 0; i < n; i++) signal.addEventListener('abort', () => {});
  };

  it('raises the limit by count while held and restores it on release', () => {
    const signal = new AbortController().signal;
    expect(getMaxListeners(signal)).toBe(10);
    const release = holdAbortListeners(signal, 3);
    expect(getMaxListeners(signal)).toBe(13);
    release();
    expect(getMaxListeners(signal)).toBe(10);
  });

  it('release is idempotent and holds stack', () => {
    const signal = new AbortController().signal;
    const a = holdAbortListeners(signal, 2);
    const b = holdAbortListeners(signal, 3);
    expect(getMaxListeners(signal)).toBe(15);
    a();
    a();
    expect(getMaxListeners(signal)).toBe(13);
    b();
    b();
    expect(getMaxListeners(signal)).toBe(10);
  });

  // Node 20's getMaxListeners throws for an EventTarget whose limit is 0: it must be read as unlimited.
  const limitOf = (signal: AbortSignal) => {
    try {
      return getMaxListeners(signal);
    } catch {
      return 0;
    }
  };

  it('leaves an unlimited (0) signal unlimited', () => {
    const signal = new AbortController().signal;
    setMaxListeners(0, signal);
    const release = holdAbortListeners(signal, 5);
    expect(limitOf(signal)).toBe(0);
    release();
    expect(limitOf(signal)).toBe(0);
  });

  it('leaves the limit alone when it was made unlimited while held', () => {
    const signal = new AbortController().signal;
    const release = holdAbortListeners(signal, 5);
    setMaxListeners(0, signal);
    release();
    expect(limitOf(signal)).toBe(0);
  });

  it('never turns the limit into 0 (unlimited) on release', () => {
    const signal = new AbortController().signal;
    const release = holdAbortListeners(signal, 5);
    setMaxListeners(3, signal); // lowered by someone else meanwhile
    release();
    expect(getMaxListeners(signal)).toBe(1);
  });

  it('many loops sharing one signal, each holding what it adds, raise no warning', async () => {
    vi.useFakeTimers();
    const ctl = new AbortController();
    const loops = Array.from({ length: 25 }, async () => {
      const release = holdAbortListeners(ctl.signal, 1);
      try {
        await until(() => {}, 10, ctl.signal);
      } finally {
        release();
      }
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(abortListeners(ctl.signal)).toBe(25);
    expect(getMaxListeners(ctl.signal)).toBe(35);
    ctl.abort();
    await Promise.all(loops);
    expect(leakWarnings()).toBe(0);
    expect(getMaxListeners(ctl.signal)).toBe(10);
    expect(abortListeners(ctl.signal)).toBe(0);
  });

  it('without a hold, an 11th listener triggers the warning (control case)', () => {
    const signal = new AbortController().signal;
    addListeners(signal, 11);
    expect(leakWarnings()).toBe(1);
  });

  it('still catches a real leak beyond what is held', () => {
    const signal = new AbortController().signal;
    const release = holdAbortListeners(signal, 2);
    addListeners(signal, 12);
    expect(leakWarnings()).toBe(0);
    addListeners(signal, 1);
    expect(leakWarnings()).toBe(1);
    release();
  });
});
