// retryOnConflict / onError: retried only for retriable errors, at most `steps` attempts, last error kept.
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import { DefaultBackoff, DefaultRetry, onError, retryOnConflict } from '../../../src/util/retry/index.js';

const conflict = () => new StatusError({ code: 409, reason: 'Conflict', message: 'the object has been modified' });

describe('retry', () => {
  it.each([
    ['succeeds after conflicts', [conflict(), conflict(), 'ok'], 'ok', 3],
    [
      'gives up after DefaultRetry.steps attempts with the last error',
      [conflict(), conflict(), conflict(), conflict(), conflict(), 'late'],
      'conflict',
      5,
    ],
    ['does not retry other errors', [new Error('boom'), 'ok'], 'boom', 1],
  ])('%s', async (_n, script, outcome, calls) => {
    let i = 0;
    const fn = async () => {
      const next = script[i++];
      if (next instanceof Error) throw next;
      return next as string;
    };
    const result = await retryOnConflict(DefaultRetry, fn).catch((e: Error) =>
      e instanceof StatusError ? 'conflict' : e.message,
    );
    expect(result).toBe(outcome);
    expect(i).toBe(calls);
  });

  it('onError uses the predicate and DefaultBackoff has client-go numbers', async () => {
    expect(DefaultBackoff).toEqual({ steps: 4, durationMs: 10, factor: 5, jitter: 0.1 });
    let n = 0;
    await expect(
      onError(
        { ...DefaultBackoff, durationMs: 1 },
        () => true,
        async () => {
          n++;
          throw new Error('always');
        },
      ),
    ).rejects.toThrow('always');
    expect(n).toBe(4);
  });
});
