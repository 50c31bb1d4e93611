// Jitter, exponential backoff and polling loops, as apimachinery's wait package, with AbortSignal
// in place of contexts.
import { globalLogger } from '../log/global.js';

/**
 * `ms` plus a random extra of up to `maxFactor * ms` (maxFactor <= 0 means 1.0).
 *
 * @example
 * jitter(1000, 0.1); // between 1000 and 1100
 */
export function jitter(ms: number, maxFactor: number): number {
  const f = maxFactor <= 0 ? 1 : maxFactor;
  return ms + Math.random() * f * ms;
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * apimachinery's wait.Backoff: the first wait `durationMs`, multiplied by `factor` after each step,
 * each wait jittered by up to `jitter` x itself, `steps` steps, the wait never above `capMs`.
 * `duration` and `cap` (the 0.1 names, also in ms) are deprecated aliases that still work for one
 * minor version; a deprecated name that is set wins over its `Ms` name.
 *
 * @example
 * const slow: Backoff = { ...DefaultBackoff, durationMs: 100, capMs: 5_000 };
 */
export interface Backoff {
  /** The first wait in ms (0 when unset). */
  durationMs?: number;
  factor: number;
  jitter: number;
  steps: number;
  /** The longest wait in ms; reaching it ends the steps (none when unset or 0). */
  capMs?: number;
  /** @deprecated Use `durationMs` (same value, in ms); this alias goes away in the next minor version. */
  duration?: number;
  /** @deprecated Use `capMs` (same value, in ms); this alias goes away in the next minor version. */
  cap?: number;
}

/**
 * Steps through a Backoff: each `step()` returns the next wait, as wait.Backoff.Step does.
 *
 * @example
 * const b = new BackoffStepper({ durationMs: 10, factor: 5, jitter: 0.1, steps: 4 });
 * b.step(); // ~10, then ~50, ~250, ~1250
 */
export class BackoffStepper {
  private duration: number;
  private readonly cap: number | undefined;
  /** Steps left. */
  steps: number;
  constructor(private readonly b: Backoff) {
    this.duration = b.duration ?? b.durationMs ?? 0;
    this.cap = b.cap ?? b.capMs;
    this.steps = b.steps;
  }
  step(): number {
    if (this.steps < 1) return this.b.jitter > 0 ? jitter(this.duration, this.b.jitter) : this.duration;
    this.steps--;
    let d = this.duration;
    if (this.b.factor !== 0) {
      this.duration *= this.b.factor;
      if (this.cap !== undefined && this.cap > 0 && this.duration > this.cap) {
        this.duration = this.cap;
        this.steps = 0;
      }
    }
    if (this.b.jitter > 0) d = jitter(d, this.b.jitter);
    return d;
  }
}

/** The condition did not become true in the allowed steps or time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(message = 'timed out waiting for the condition') {
    super(message);
  }
}

/**
 * Retries `condition` with the backoff until it returns true; throws what the condition throws, or
 * WaitTimeoutError after `steps` checks (none when steps < 1) or once the cap has ended the steps.
 *
 * @example
 * await exponentialBackoff({ durationMs: 100, factor: 2, jitter: 0, steps: 5 }, async () => ready());
 */
export async function exponentialBackoff(
  backoff: Backoff,
  condition: () => Promise<boolean> | boolean,
  signal?: AbortSignal,
): Promise<void> {
  const stepper = new BackoffStepper(backoff);
  while (stepper.steps > 0) {
    if (await condition()) return;
    if (stepper.steps <= 1) break;
    await sleep(stepper.step(), signal);
  }
  throw new WaitTimeoutError();
}

/**
 * Polls `condition` every `intervalMs` until true, the timeout passes (WaitTimeoutError), the
 * signal aborts (its reason) or the condition throws (that error, even past the timeout).
 *
 * @example
 * await pollUntilContextTimeout(signal, 100, 5000, true, async () => (await get()).ready);
 */
export async function pollUntilContextTimeout(
  signal: AbortSignal | undefined,
  intervalMs: number,
  timeoutMs: number,
  immediate: boolean,
  condition: () => Promise<boolean> | boolean,
): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    await pollUntilContextCancel(combined, intervalMs, immediate, condition);
  } catch (err) {
    if (timeout.aborted && err === timeout.reason) throw new WaitTimeoutError();
    throw err;
  }
}

/** Polls until `condition` is true or the signal aborts (rejects with its reason). */
export async function pollUntilContextCancel(
  signal: AbortSignal,
  intervalMs: number,
  immediate: boolean,
  condition: () => Promise<boolean> | boolean,
): Promise<void> {
  if (immediate && (await condition())) return;
  for (;;) {
    await sleep(intervalMs, signal);
    if (await condition()) return;
  }
}

/**
 * Runs `fn` every `periodMs` (plus jitter) until the signal aborts; `sliding` measures the period
 * from the end of each run. Errors thrown by `fn` go to `onError` (default: the global logger) and the loop goes on.
 *
 * @example
 * void jitterUntil(() => resync(), 30_000, 0.1, true, signal);
 */
export async function jitterUntil(
  fn: () => unknown,
  periodMs: number,
  jitterFactor: number,
  sliding: boolean,
  signal: AbortSignal,
  onError: (err: unknown) => void = (err) => globalLogger.error(`jitterUntil: ${String(err)}`, { err }),
): Promise<void> {
  while (!signal.aborted) {
    const wait = jitterFactor > 0 ? jitter(periodMs, jitterFactor) : periodMs;
    const started = Date.now();
    try {
      await fn();
    } catch (err) {
      onError(err);
    }
    const remaining = sliding ? wait : Math.max(0, wait - (Date.now() - started));
    try {
      await sleep(remaining, signal);
    } catch {
      return;
    }
  }
}

/** `jitterUntil` without jitter, sliding: run, wait `periodMs`, repeat until aborted. */
export function until(fn: () => unknown, periodMs: number, signal: AbortSignal): Promise<void> {
  return jitterUntil(fn, periodMs, 0, true, signal);
}
