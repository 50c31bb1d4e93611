// client-go's flowcontrol.RateLimiter: the limiter the REST client consults before each request.
import { type Reservation, TokenBucket } from './token-bucket.js';

/** Decides when the next request may go out. */
export interface RateLimiter {
  /** Takes a token if one is free now. */
  tryAccept(): boolean;
  /** Waits for a token; rejects with the signal's reason when aborted (the token is returned). */
  wait(signal?: AbortSignal): Promise<void>;
  /** The configured rate. */
  qps(): number;
  /** Releases resources (none for the token bucket). */
  stop(): void;
}

function sleepFor(r: Reservation, signal?: AbortSignal): Promise<void> {
  if (r.delayMs <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      r.cancel();
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      r.cancel();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, r.delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A token-bucket limiter: `burst` requests at once, then `qps` per second (client-go's defaults
 * for a REST client are 5 qps, burst 10).
 *
 * @example
 * const limiter = newTokenBucketRateLimiter(5, 10);
 * await limiter.wait(signal);
 */
export function newTokenBucketRateLimiter(qps: number, burst: number): RateLimiter {
  const bucket = new TokenBucket(qps, burst);
  return {
    tryAccept: () => bucket.allow(),
    wait: async (signal) => {
      signal?.throwIfAborted();
      const r = bucket.reserve();
      if (!r.ok) throw new Error(`rate limiter with qps ${qps} and burst ${burst} can never grant a request`);
      await sleepFor(r, signal);
    },
    qps: () => qps,
    stop: () => {},
  };
}

/** A limiter that always accepts at once (rate limiting disabled). */
export function newFakeAlwaysRateLimiter(): RateLimiter {
  return { tryAccept: () => true, wait: async () => {}, qps: () => 0, stop: () => {} };
}

/** A limiter that never accepts (`wait` rejects at once). */
export function newFakeNeverRateLimiter(): RateLimiter {
  return {
    tryAccept: () => false,
    wait: async () => {
      throw new Error('rate limiter never accepts');
    },
    qps: () => 0,
    stop: () => {},
  };
}
