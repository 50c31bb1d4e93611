// retryOnConflict / onError as client-go's util/retry (util.go, util_test.go): which errors are
// retried, how many attempts a Backoff allows, the sleeps between them, and what is returned.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import { DefaultBackoff, DefaultRetry, onError, retryOnConflict } from '../../../src/util/retry/index.js';
import type { Backoff } from '../../../src/util/wait/backoff.js';

const conflict = (n = 0) =>
  new StatusError({ code: 409, reason: 'Conflict', message: `operation cannot be fulfilled (${n})` });
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Lets the backoff sleeps of `p` pass, then settles with it. */
async function finish<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  await vi.advanceTimersByTimeAsync(10_000);
  return p;
}

const noWait: Backoff = { durationMs: 0, factor: 1, jitter: 0, steps: 3 };

/** A function that answers from a script: Error entries are thrown, anything else returned. */
function scripted<T>(...script: (Error | T)[]) {
  const fn = vi.fn(async (): Promise<T> => {
    const next = script[fn.mock.calls.length - 1];
    if (next instanceof Error) throw next;
    if (next === undefined) throw new Error('script exhausted');
    return next;
  });
  return fn;
}

describe('retryOnConflict (client-go TestRetryOnConflict, steps 3)', () => {
  it('gives up after the steps and rejects with the very conflict error it got', async () => {
    const err = conflict();
    const fn = vi.fn(async () => {
      throw err;
    });
    await expect(finish(retryOnConflict(noWait, fn))).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('returns at once, with the result, when the first attempt succeeds', async () => {
    const fn = scripted('done');
    await expect(finish(retryOnConflict(noWait, fn))).resolves.toBe('done');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('returns another error at once, unchanged', async () => {
    const other = new Error('some other error');
    const fn = scripted<string>(other, 'never');
    await expect(finish(retryOnConflict(noWait, fn))).rejects.toBe(other);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('keeps retrying conflicts until an attempt succeeds', async () => {
    const fn = scripted<string>(conflict(1), conflict(2), 'third time');
    await expect(finish(retryOnConflict(noWait, fn))).resolves.toBe('third time');
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

describe('which errors retryOnConflict retries (client-go IsConflict)', () => {
  it.each<[string, number, unknown]>([
    ['reason Conflict, code 409', 3, new StatusError({ code: 409, reason: 'Conflict' })],
    ['code 409 with no reason', 3, new StatusError({ code: 409 })],
    ['reason Conflict under another code', 3, new StatusError({ code: 500, reason: 'Conflict' })],
    ['code 409 with another known reason', 1, new StatusError({ code: 409, reason: 'AlreadyExists' })],
    ['a 422 Invalid', 1, new StatusError({ code: 422, reason: 'Invalid' })],
    ['a plain Error that mentions a conflict', 1, new Error('Conflict: the object has been modified')],
    ['a Status-shaped object that is not a StatusError', 1, { code: 409, reason: 'Conflict' }],
    ['a thrown string', 1, 'conflict'],
  ])('%s: %i attempt(s)', async (_n, attempts, thrown) => {
    const fn = vi.fn(async () => {
      throw thrown;
    });
    await expect(finish(retryOnConflict(noWait, fn))).rejects.toBe(thrown);
    expect(fn).toHaveBeenCalledTimes(attempts);
  });
});

describe('onError', () => {
  it.each([1, 2, 3, 4, 7])('makes exactly steps attempts (%i) and sleeps between them only', async (steps) => {
    const retriable = vi.fn(() => true);
    const fn = vi.fn(async () => {
      throw new Error(`attempt ${fn.mock.calls.length}`);
    });
    const sleeps = spySleeps();
    await expect(finish(onError({ durationMs: 1, factor: 1, jitter: 0, steps }, retriable, fn))).rejects.toThrow(
      `attempt ${steps}`,
    );
    expect(fn).toHaveBeenCalledTimes(steps);
    expect(retriable).toHaveBeenCalledTimes(steps);
    expect(sleeps()).toEqual(Array(steps - 1).fill(1));
  });

  it('rejects with the last error when the steps run out, not a timeout and not the first error', async () => {
    const errs = [new Error('one'), new Error('two'), new Error('three')];
    const fn = scripted<string>(...errs);
    await expect(finish(onError(noWait, () => true, fn))).rejects.toBe(errs[2]);
  });

  it('hands every error to the predicate and stops at the first one it refuses', async () => {
    const unavailable = new StatusError({ code: 503, reason: 'ServiceUnavailable' });
    const forbidden = new StatusError({ code: 403, reason: 'Forbidden' });
    const seen: unknown[] = [];
    const fn = scripted<string>(unavailable, forbidden, 'ok');
    const retriable = (err: unknown) => {
      seen.push(err);
      return err instanceof StatusError && err.code === 503;
    };
    await expect(finish(onError({ ...noWait, steps: 5 }, retriable, fn))).rejects.toBe(forbidden);
    expect(seen).toEqual([unavailable, forbidden]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('resolves with the value of the attempt that succeeds', async () => {
    const fn = scripted<{ n: number }>(new Error('a'), new Error('b'), { n: 3 });
    await expect(finish(onError({ ...noWait, steps: 5 }, () => true, fn))).resolves.toEqual({ n: 3 });
  });

  it('stops when a cap ends the backoff’s steps early (apimachinery Backoff.Step)', async () => {
    const fn = vi.fn(async () => {
      throw new Error(`attempt ${fn.mock.calls.length}`);
    });
    const sleeps = spySleeps();
    const capped: Backoff = { durationMs: 1, factor: 2, jitter: 0, steps: 10, capMs: 3 };
    await expect(finish(onError(capped, () => true, fn))).rejects.toThrow('attempt 2');
    expect(fn).toHaveBeenCalledTimes(2);
    expect(sleeps()).toEqual([1, 2]);
  });
});

describe('backoff sleeps', () => {
  it('DefaultRetry has client-go’s numbers', () => {
    expect(DefaultRetry).toEqual({ steps: 5, durationMs: 10, factor: 1, jitter: 0.1 });
  });

  it.each<[string, Backoff, number, number[]]>([
    ['DefaultRetry, no jitter drawn', DefaultRetry, 0, [10, 10, 10, 10]],
    ['DefaultRetry, half the jitter', DefaultRetry, 0.5, [10.5, 10.5, 10.5, 10.5]],
    ['DefaultRetry, nearly all the jitter', DefaultRetry, 0.99, [10.99, 10.99, 10.99, 10.99]],
    ['DefaultBackoff, no jitter drawn', DefaultBackoff, 0, [10, 50, 250]],
    ['DefaultBackoff, half the jitter', DefaultBackoff, 0.5, [10.5, 52.5, 262.5]],
    ['DefaultBackoff, nearly all the jitter', DefaultBackoff, 0.99, [10.99, 54.95, 274.75]],
  ])('%s (random %d): sleeps %j between attempts', async (_n, backoff, random, expected) => {
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const sleeps = spySleeps();
    const fn = vi.fn(async () => {
      throw conflict(fn.mock.calls.length);
    });
    const p = retryOnConflict(backoff, fn).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const err = await p;
    expect(err).toBeInstanceOf(StatusError);
    expect((err as Error).message).toContain(`(${backoff.steps})`);
    expect(fn).toHaveBeenCalledTimes(backoff.steps);
    const got = sleeps();
    expect(got).toHaveLength(expected.length);
    got.forEach((ms, i) => {
      expect(ms).toBeCloseTo(expected[i]!, 6);
    });
  });

  it('waits out each sleep before the next attempt, and none before the first', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const fn = vi.fn(async () => {
      throw conflict();
    });
    const p = onError(DefaultBackoff, () => true, fn).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(9);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(49);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(250);
    expect(fn).toHaveBeenCalledTimes(4);
    await p;
  });

  it('an abort during a sleep rejects with the signal’s reason and makes no further attempt', async () => {
    const ac = new AbortController();
    const fn = vi.fn(async () => {
      throw conflict();
    });
    const p = retryOnConflict(DefaultBackoff, fn, ac.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    expect(fn).toHaveBeenCalledTimes(2);
    const reason = new Error('shutting down');
    ac.abort(reason);
    expect(await p).toBe(reason);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

/** Records the delays of the timers set from now on; returns a reader of those so far. */
function spySleeps(): () => number[] {
  const spy = vi.spyOn(globalThis, 'setTimeout');
  return () => spy.mock.calls.map((c) => c[1] as number);
}
