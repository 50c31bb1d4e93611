// A Queue with addAfter: waiting items sit in one heap ordered by ready time with ONE timer for the
// earliest; adding a waiting item again can only move it earlier (client-go's delaying queue).
import { type HeapEntry, ReadyHeap } from './heap.js';
import { Queue, type QueueOptions } from './queue.js';
import type { ClockTimer } from '../wait/clock.js';

/**
 * A work queue whose items can be added after a delay.
 *
 * @example
 * const q = new DelayingQueue<string>();
 * q.addAfter('default/web', 5000); // queued in 5 s
 */
export class DelayingQueue<T> extends Queue<T> {
  private readonly heap = new ReadyHeap<T>();
  private readonly waiting = new Map<T, HeapEntry<T>>();
  private timer: ClockTimer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private seq = 0;

  constructor(options: QueueOptions = {}) {
    super(options);
  }

  /** Adds the item after `ms` (at once when `ms <= 0`). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing) {
      if (readyAt < existing.readyAt) {
        existing.readyAt = readyAt;
        this.heap.fix(existing);
      }
    } else {
      const e: HeapEntry<T> = { item, readyAt, seq: this.seq++, index: -1 };
      this.waiting.set(item, e);
      this.heap.push(e);
    }
    this.arm();
  }

  /** Items waiting for their delay. */
  waitingLen(): number {
    return this.waiting.size;
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

  private arm(): void {
    const top = this.heap.peek();
    if (!top || this.shuttingDown()) return;
    if (this.timer && this.timerAt <= top.readyAt) return;
    this.timer?.cancel();
    this.timerAt = top.readyAt;
    this.timer = this.clock.setTimer(() => this.fire(), top.readyAt - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    for (let top = this.heap.peek(); top && top.readyAt <= now; top = this.heap.peek()) {
      this.heap.pop();
      this.waiting.delete(top.item);
      this.add(top.item);
    }
    this.arm();
  }
}
