// A DelayingQueue driven by a per-item rate limiter: failures back off, successes forget.
import { DelayingQueue } from './delaying-queue.js';
import type { QueueOptions } from './queue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.js';

/**
 * The queue controllers use (client-go's RateLimitingInterface).
 *
 * @example
 * const q = new RateLimitingQueue<string>(defaultControllerRateLimiter(), { name: 'foos' });
 * try { await sync(key); q.forget(key); } catch { q.addRateLimited(key); } finally { q.done(key); }
 */
export class RateLimitingQueue<T> extends DelayingQueue<T> {
  constructor(
    readonly rateLimiter: RateLimiter<T> = defaultControllerRateLimiter<T>(),
    options: QueueOptions = {},
  ) {
    super(options);
  }

  /** Adds the item after the delay its rate limiter says (addAfter counts the retry). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Stops tracking the item's failures (it succeeded). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  /** How many times the item was re-added with addRateLimited since the last forget. */
  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}
