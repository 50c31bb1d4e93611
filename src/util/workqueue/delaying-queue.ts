// A Queue with addAfter. Waiting items are grouped by the millisecond they become ready (timers
// have millisecond resolution anyway; within one millisecond items keep the order they were added
// in); a min-heap orders those distinct times and ONE timer waits for the earliest. Adding a
// waiting item again can only move it earlier (client-go's rule). The waiting entry lives in the
// item's record of the queue's RecordBacklog (backlog.ts), beside its dirty flag: buckets hold
// record indices, and an item coming due is moved into the queue without a hash operation. An
// entry left behind in a later bucket by a move earlier is stale: its record's bucket differs.
import type { ClockTimer } from '../wait/clock.js';
import { type Backlog, RecordBacklog } from './backlog.js';
import { NumberHeap } from './heap.js';
import { type CounterMetric, globalMetricsProvider } from './metrics.js';
import { Queue, type QueueOptions } from './queue.js';

/** The longest timer setTimeout honours (longer ones fire after 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A work queue whose items can be added after a delay.
 *
 * @example
 * const q = new DelayingQueue<string>();
 * q.addAfter('default/web', 5000); // queued in 5 s
 */
export class DelayingQueue<T> extends Queue<T> {
  private readonly times = new NumberHeap();
  /** Ready millisecond -> records, in add order. */
  private readonly buckets = new Map<number, number[]>();
  /** Items waiting. */
  private live = 0;
  private timer: ClockTimer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** The bucket the last addAfter used: consecutive adds mostly land in the same millisecond. */
  private lastAt = Number.NaN;
  private lastBucket: number[] | undefined;
  private readonly retries?: CounterMetric;

  constructor(options: QueueOptions = {}) {
    super(options);
    if (options.name)
      this.retries = (options.metricsProvider ?? globalMetricsProvider()).newRetriesMetric(options.name);
  }

  protected override createBacklog(): Backlog<T> {
    return new RecordBacklog<T>();
  }

  /** Adds the item after `ms` (at once when `ms <= 0`); counts a retry on named queues (as client-go). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    this.retries?.inc();
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const b = this.backlog as RecordBacklog<T>;
    const at = Math.ceil(readyAt);
    let r = b.findOrNew(item);
    if (r < 0) {
      r = b.create(item, 0, readyAt);
    } else {
      const was = b.readyAt[r]!;
      // biome-ignore lint/suspicious/noSelfCompare: NaN (not waiting) is the one value not equal to itself.
      if (was === was) {
        if (readyAt >= was) return;
        b.readyAt[r] = readyAt;
        if (at === Math.ceil(was)) return; // earlier within the same bucket
        b.addStale(r); // its entry in the later bucket stays behind, inert
        this.live--;
      } else {
        b.readyAt[r] = readyAt;
      }
    }
    this.live++;
    let bucket = at === this.lastAt ? this.lastBucket : this.buckets.get(at);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(at, bucket);
      this.times.push(at);
    }
    this.lastAt = at;
    this.lastBucket = bucket;
    bucket.push(r);
    if (at < this.timerAt) this.arm(at);
  }

  /** Items waiting for their delay. */
  waitingLen(): number {
    return this.live;
  }

  override shutDown(): void {
    this.disarm();
    super.shutDown();
  }

  override shutDownWithDrain(): Promise<void> {
    this.disarm();
    return super.shutDownWithDrain();
  }

  private disarm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(at: number): void {
    if (this.shuttingDown()) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => this.fire(), Math.min(at - this.clock.now(), MAX_TIMER_MS));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const b = this.backlog as RecordBacklog<T>;
    for (let at = this.times.peek(); at !== undefined && at <= now; at = this.times.peek()) {
      this.times.pop();
      const bucket = this.buckets.get(at)!;
      this.buckets.delete(at);
      if (at === this.lastAt) {
        this.lastAt = Number.NaN;
        this.lastBucket = undefined;
      }
      for (let i = 0; i < bucket.length; i++) {
        const r = bucket[i]!;
        if (Math.ceil(b.readyAt[r]!) !== at) {
          b.dropStale(r); // NaN too: not waiting
          continue;
        }
        b.readyAt[r] = Number.NaN;
        this.live--;
        if (b.dirty[r] === 1) continue; // queued (or added again while in flight) already
        b.dirty[r] = 1;
        this.admit(b.item[r] as T, r);
      }
    }
    const next = this.times.peek();
    if (next !== undefined) this.arm(next);
  }
}
