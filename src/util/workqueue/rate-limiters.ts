// Per-item rate limiters with client-go's numbers: exponential per-item backoff, an overall token
// bucket, fast-then-slow, max-of, and a cap on the wait.
import { TokenBucket } from '../flowcontrol/token-bucket.js';

/** Decides how long an item waits before it is queued again (client-go's TypedRateLimiter). */
export interface RateLimiter<T> {
  /** The delay (ms) for this item now; counts a failure where the limiter tracks them. */
  when(item: T): number;
  /** Stops tracking the item (call when it succeeded). */
  forget(item: T): void;
  /** How many times the item has been requeued. */
  numRequeues(item: T): number;
}

/**
 * base * 2^failures per item, capped at max (client-go: 5 ms .. 1000 s for controllers).
 *
 * @example
 * const rl = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
 * rl.when('a'); // 5, then 10, 20, ...
 */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();
  constructor(
    readonly baseDelayMs: number,
    readonly maxDelayMs: number,
  ) {}
  when(item: T): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff = this.baseDelayMs * 2 ** exp;
    if (!Number.isFinite(backoff) || backoff > this.maxDelayMs) return this.maxDelayMs;
    return backoff;
  }
  forget(item: T): void {
    // Most items never failed: an empty map needs no lookup.
    if (this.failures.size > 0) this.failures.delete(item);
  }
  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * An overall token bucket: the delay is the bucket's reservation delay; no per-item state.
 *
 * @example
 * const rl = new BucketRateLimiter<string>(10, 100);
 */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private readonly bucket: TokenBucket;
  constructor(qps: number, burst: number, now?: () => number) {
    this.bucket = new TokenBucket(qps, burst, now);
  }
  when(_item: T): number {
    return this.bucket.reserve().delayMs;
  }
  forget(_item: T): void {}
  numRequeues(_item: T): number {
    return 0;
  }
}

/**
 * `fastDelayMs` for the first `maxFastAttempts` requeues of an item, `slowDelayMs` after.
 *
 * @example
 * const rl = new ItemFastSlowRateLimiter<string>(10, 10_000, 3);
 */
export class ItemFastSlowRateLimiter<T> implements RateLimiter<T> {
  private readonly attempts = new Map<T, number>();
  constructor(
    readonly fastDelayMs: number,
    readonly slowDelayMs: number,
    readonly maxFastAttempts: number,
  ) {}
  when(item: T): number {
    const n = (this.attempts.get(item) ?? 0) + 1;
    this.attempts.set(item, n);
    return n <= this.maxFastAttempts ? this.fastDelayMs : this.slowDelayMs;
  }
  forget(item: T): void {
    if (this.attempts.size > 0) this.attempts.delete(item);
  }
  numRequeues(item: T): number {
    return this.attempts.get(item) ?? 0;
  }
}

/**
 * The longest delay of several limiters (every limiter sees every call).
 *
 * @example
 * new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter(5, 1e6), new BucketRateLimiter(10, 100));
 */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];
  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }
  // Indexed loops: forget() runs once per processed item, and a for-of iterator costs more.
  when(item: T): number {
    const ls = this.limiters;
    let max = 0;
    for (let i = 0; i < ls.length; i++) max = Math.max(max, ls[i]!.when(item));
    return max;
  }
  forget(item: T): void {
    const ls = this.limiters;
    for (let i = 0; i < ls.length; i++) ls[i]!.forget(item);
  }
  numRequeues(item: T): number {
    const ls = this.limiters;
    let max = 0;
    for (let i = 0; i < ls.length; i++) max = Math.max(max, ls[i]!.numRequeues(item));
    return max;
  }
}

/**
 * Caps another limiter's delay at `maxDelayMs`.
 *
 * @example
 * new WithMaxWaitRateLimiter(defaultControllerRateLimiter<string>(), 60_000);
 */
export class WithMaxWaitRateLimiter<T> implements RateLimiter<T> {
  constructor(
    private readonly limiter: RateLimiter<T>,
    readonly maxDelayMs: number,
  ) {}
  when(item: T): number {
    return Math.min(this.limiter.when(item), this.maxDelayMs);
  }
  forget(item: T): void {
    this.limiter.forget(item);
  }
  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }
}

/**
 * client-go's DefaultControllerRateLimiter: per-item exponential 5 ms .. 1000 s, combined with an
 * overall 10 qps / burst 100 bucket.
 *
 * @example
 * const queue = new RateLimitingQueue<string>(defaultControllerRateLimiter(), { name: 'foos' });
 */
export function defaultControllerRateLimiter<T>(): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(
    new ItemExponentialFailureRateLimiter<T>(5, 1000 * 1000),
    new BucketRateLimiter<T>(10, 100),
  );
}

/** client-go's DefaultTypedItemBasedRateLimiter: exponential 1 ms .. 1000 s per item. */
export function defaultItemBasedRateLimiter<T>(): RateLimiter<T> {
  return new ItemExponentialFailureRateLimiter<T>(1, 1000 * 1000);
}
