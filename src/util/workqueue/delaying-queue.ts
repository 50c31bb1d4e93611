// A Queue with addAfter. Waiting items are grouped by the millisecond they become ready (timers
// have millisecond resolution anyway; within one millisecond items keep the order they were added
// in); a min-heap orders those distinct times and ONE timer waits for the earliest. Adding a
// waiting item again can only move it earlier (client-go's rule). Waiting entries live in slots of
// parallel arrays (item, ready time), reused through a free list: no object per addAfter, and the
// maps and buckets hold small integers only. An item that comes due stays in the item -> slot map
// until the map is cleared (nothing waits) or outgrows the live entries: an entry counts only while
// its slot still holds that item, which saves a map deletion per item.
import type { ClockTimer } from '../wait/clock.js';
import { NumberHeap } from './heap.js';
import { type CounterMetric, globalMetricsProvider } from './metrics.js';
import { Queue, type QueueOptions } from './queue.js';

/** The longest timer setTimeout honours (longer ones fire after 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Marks a slot whose entry was superseded by an earlier add of the same item. */
const DEAD: unique symbol = Symbol('superseded');

/**
 * A work queue whose items can be added after a delay.
 *
 * @example
 * const q = new DelayingQueue<string>();
 * q.addAfter('default/web', 5000); // queued in 5 s
 */
export class DelayingQueue<T> extends Queue<T> {
  private readonly times = new NumberHeap();
  /** Ready millisecond -> slots, in add order. */
  private readonly buckets = new Map<number, number[]>();
  /** Item -> its latest slot (live only while the slot still holds the item). */
  private readonly waiting = new Map<T, number>();
  /** Live slots: items waiting. */
  private live = 0;
  private slotItem: Array<T | typeof DEAD | undefined> = [];
  private slotReadyAt: number[] = [];
  private freeSlots: number[] = [];
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

  /** Adds the item after `ms` (at once when `ms <= 0`); counts a retry on named queues (as client-go). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    this.retries?.inc();
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const waiting = this.waiting;
    const existing = waiting.get(item);
    if (existing !== undefined && this.slotItem[existing] === item) {
      if (readyAt >= this.slotReadyAt[existing]!) return;
      this.slotItem[existing] = DEAD; // freed when its bucket comes due
      this.live--;
    }
    this.live++;
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotItem.length;
    this.slotItem[slot] = item;
    this.slotReadyAt[slot] = readyAt;
    waiting.set(item, slot);
    const at = Math.ceil(readyAt);
    let bucket = at === this.lastAt ? this.lastBucket : this.buckets.get(at);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(at, bucket);
      this.times.push(at);
    }
    this.lastAt = at;
    this.lastBucket = bucket;
    bucket.push(slot);
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
    for (let at = this.times.peek(); at !== undefined && at <= now; at = this.times.peek()) {
      this.times.pop();
      const bucket = this.buckets.get(at)!;
      this.buckets.delete(at);
      if (at === this.lastAt) {
        this.lastAt = Number.NaN;
        this.lastBucket = undefined;
      }
      const slotItem = this.slotItem;
      for (let i = 0; i < bucket.length; i++) {
        const slot = bucket[i]!;
        const item = slotItem[slot];
        slotItem[slot] = undefined;
        this.freeSlots.push(slot);
        if (item === DEAD) continue;
        this.live--;
        this.add(item as T);
      }
    }
    if (this.buckets.size === 0) {
      // Nothing waits: drop the slots (they only grow while items wait) and the map.
      this.slotItem = [];
      this.slotReadyAt = [];
      this.freeSlots = [];
      this.waiting.clear();
    } else if (this.waiting.size > 2 * this.live + 1024) {
      // Entries of items that came due outnumber the live ones: drop them.
      for (const [item, slot] of this.waiting) if (this.slotItem[slot] !== item) this.waiting.delete(item);
    }
    const next = this.times.peek();
    if (next !== undefined) this.arm(next);
  }
}
