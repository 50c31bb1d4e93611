// Time as a dependency: the real clock, and a fake one tests step by hand. Leaf utility.

/** A timer handle of a {@link Clock}. */
export interface ClockTimer {
  cancel(): void;
}

/** What time-dependent code needs: now, and one-shot timers. */
export interface Clock {
  /** Milliseconds (monotonic for the real clock). */
  now(): number;
  /** Calls `fn` after `ms`; the real clock's timers do not keep the process alive when `unref` is true. */
  setTimer(fn: () => void, ms: number, unref?: boolean): ClockTimer;
}

/** The real clock (performance.now and setTimeout). */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(fn, ms, unref = false) {
    const t = setTimeout(fn, Math.max(0, ms));
    if (unref) t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * A clock that moves only when told; timers fire during `step`.
 *
 * @example
 * const clock = new FakeClock();
 * queue = newDelayingQueue({ clock });
 * queue.addAfter('a', 50); clock.step(50); // 'a' is now queued
 */
export class FakeClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 0;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): ClockTimer {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    this.notifyTimerWaiters();
    return { cancel: () => (this.timers = this.timers.filter((x) => x.id !== id)) };
  }

  private timerWaiters: Array<{ n: number; resolve: () => void }> = [];

  private notifyTimerWaiters(): void {
    if (this.timerWaiters.length === 0) return;
    const ready = this.timerWaiters.filter((w) => this.timers.length >= w.n);
    this.timerWaiters = this.timerWaiters.filter((w) => this.timers.length < w.n);
    for (const w of ready) w.resolve();
  }

  /**
   * Resolves once at least `n` timers are pending: code that runs asynchronously has reached its
   * wait (client-go's fake clock HasWaiters, without polling).
   *
   * @example
   * void reflector.run(signal);
   * await clock.whenTimers(); // the reflector is backing off
   * await clock.advance(800);
   */
  whenTimers(n = 1): Promise<void> {
    if (this.timers.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.timerWaiters.push({ n, resolve }));
  }

  /**
   * Advances time by `ms` as {@link step} does, but lets promise continuations run after each due
   * timer fires, so that a timer set by the woken code (a loop's next sleep) fires in the same
   * advance when it falls due within it.
   * It yields with the real `setImmediate`: do not fake that one.
   *
   * @example
   * await clock.advance(3_000); // a 1 s resync loop runs three times
   */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = target;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Number of pending timers. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Advances time by `ms`, firing due timers in time order. */
  step(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = target;
  }
}
