// A token bucket with golang.org/x/time/rate semantics: it starts full with `burst` tokens and
// refills at `qps` per second; a reservation may drive the bucket negative and then says how long
// its holder must wait. Leaf utility: imports nothing from other layers.

/** A reservation of one token. */
export interface Reservation {
  /** False when the request can never be satisfied (burst below 1 with a finite rate, or qps 0 and burst spent). */
  ok: boolean;
  /** Milliseconds to wait before acting on the token. */
  delayMs: number;
  /** Returns the token when the holder gives up before acting. */
  cancel(): void;
}

/**
 * The bucket itself. `qps = Infinity` allows everything.
 *
 * @example
 * const bucket = new TokenBucket(10, 100);
 * const r = bucket.reserve(); await sleep(r.delayMs);
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Tokens available at `at` (may be negative while reservations are outstanding). */
  tokensAt(at = this.now()): number {
    if (this.qps === Number.POSITIVE_INFINITY) return this.burst;
    const elapsed = Math.max(0, at - this.last) / 1000;
    return Math.min(this.burst, this.tokens + elapsed * this.qps);
  }

  /** Reserves one token now. */
  reserve(at = this.now()): Reservation {
    if (this.qps === Number.POSITIVE_INFINITY) return { ok: true, delayMs: 0, cancel: () => {} };
    // As in x/time/rate, one token can only ever be granted when it fits in the burst.
    if (this.burst < 1) return { ok: false, delayMs: Number.POSITIVE_INFINITY, cancel: () => {} };
    const tokens = this.tokensAt(at) - 1;
    this.last = Math.max(this.last, at);
    this.tokens = tokens;
    if (tokens >= 0) return { ok: true, delayMs: 0, cancel: () => this.restore(1) };
    if (this.qps <= 0) {
      this.tokens += 1;
      return { ok: false, delayMs: Number.POSITIVE_INFINITY, cancel: () => {} };
    }
    const delayMs = (-tokens / this.qps) * 1000;
    return { ok: true, delayMs, cancel: () => this.restore(1) };
  }

  /** Takes a token if one is available now; never waits. */
  allow(at = this.now()): boolean {
    if (this.qps === Number.POSITIVE_INFINITY) return true;
    const tokens = this.tokensAt(at);
    if (tokens < 1) return false;
    this.tokens = tokens - 1;
    this.last = Math.max(this.last, at);
    return true;
  }

  private restore(n: number): void {
    this.tokens = Math.min(this.burst, this.tokensAt() + n);
    this.last = Math.max(this.last, this.now());
  }
}
