// Backoff managers as apimachinery's wait package has them: each call says how long to wait
// before the next try, growing exponentially, and starting over after a quiet period.
import { BackoffStepper } from './backoff.js';
import { type Clock, realClock } from './clock.js';

/** Says how long to back off now. */
export interface BackoffManager {
  /** Milliseconds to wait before the next attempt. */
  backoff(): number;
}

/**
 * initial * factor^n (with jitter), capped at max; starts over when no backoff happened for
 * `resetMs`. The Reflector uses 800 ms, 30 s, 2 min, factor 2, jitter 1.0.
 *
 * @example
 * const m = newExponentialBackoffManager(800, 30_000, 120_000, 2, 1.0);
 * await sleep(m.backoff(), signal);
 */
export function newExponentialBackoffManager(
  initialMs: number,
  maxMs: number,
  resetMs: number,
  factor: number,
  jitterFactor: number,
  clock: Clock = realClock,
): BackoffManager {
  const fresh = () =>
    new BackoffStepper({
      durationMs: initialMs,
      factor,
      jitter: jitterFactor,
      steps: Number.MAX_SAFE_INTEGER,
      capMs: maxMs,
    });
  let stepper = fresh();
  let last = clock.now();
  return {
    backoff() {
      const now = clock.now();
      if (now - last > resetMs) stepper = fresh();
      last = now;
      return stepper.step();
    },
  };
}
