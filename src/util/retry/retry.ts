// Retrying an operation that failed with a retriable error, as client-go's util/retry: most often
// a read-modify-write that lost a race (409 Conflict).
import { isConflict } from '../../apimachinery/errors.js';
import { type Backoff, BackoffStepper, sleep } from '../wait/backoff.js';

/** client-go's DefaultRetry: 5 steps, 10 ms, factor 1, jitter 0.1 (for conflicts). */
export const DefaultRetry: Backoff = { steps: 5, durationMs: 10, factor: 1.0, jitter: 0.1 };

/** client-go's DefaultBackoff: 4 steps, 10 ms, factor 5, jitter 0.1 (for other retries). */
export const DefaultBackoff: Backoff = { steps: 4, durationMs: 10, factor: 5.0, jitter: 0.1 };

/**
 * Runs `fn` until it succeeds, throws an error `retriable` rejects, or the backoff's steps run out
 * (then the last error is thrown): `steps` attempts at most, fewer when a cap ends the steps early
 * (as wait.ExponentialBackoff), with the backoff's jittered sleeps between them.
 *
 * @example
 * await onError(DefaultBackoff, isServiceUnavailable, () => client.get('x'));
 */
export async function onError<T>(
  backoff: Backoff,
  retriable: (err: unknown) => boolean,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const stepper = new BackoffStepper(backoff);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!retriable(err) || stepper.steps <= 1) throw err;
      await sleep(stepper.step(), signal);
      if (stepper.steps < 1) throw err; // the cap ended the steps
    }
  }
}

/**
 * Re-runs a read-modify-write when it hits a 409 Conflict (client-go's RetryOnConflict).
 *
 * @example
 * await retryOnConflict(DefaultRetry, async () => {
 *   const cm = await cms.get('settings');
 *   await cms.update({ ...cm, data: { ...cm.data, counter: String(Number(cm.data?.counter ?? 0) + 1) } });
 * });
 */
export function retryOnConflict<T>(backoff: Backoff, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return onError(backoff, isConflict, fn, signal);
}
