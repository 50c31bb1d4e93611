// A push-based Watch: producers push events, one consumer iterates them. Used for fakes in tests
// and as the building block of watches that are fed from elsewhere (broadcasters, proxies).
import type { Watch, WatchEvent } from './types.js';

/**
 * A Watch fed by `push()`; `close()` (or `stop()` from the consumer) ends it.
 *
 * @example
 * const w = new ChannelWatch<ConfigMap>();
 * w.push({ type: 'ADDED', object: cm });
 * w.close();
 * for await (const ev of w) console.log(ev.type);
 */
export class ChannelWatch<T = unknown> implements Watch<T> {
  private buffer: WatchEvent<T>[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private closed = false;
  endReason?: Error;
  /** Called once when the consumer stops the watch. */
  onStop?: () => void;
  /** A producer waiting in {@link waitForRoom}, and the backlog it waits to fall below. */
  private roomWaiter: (() => void) | undefined;
  private roomBelow = 0;

  /** Queues an event; returns false when the watch is already closed. */
  push(event: WatchEvent<T>): boolean {
    if (this.closed) return false;
    this.buffer.push(event);
    this.wake();
    return true;
  }

  /** Ends the stream after the queued events; `reason` is kept in `endReason`. */
  close(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    this.wake();
    this.wakeProducer();
  }

  /** True once closed or stopped. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Events queued and not yet consumed. */
  get pending(): number {
    return this.buffer.length - this.head;
  }

  /**
   * Resolves once fewer than `capacity` events are pending or the watch is closed: the consumer's
   * read (or stop) wakes the producer, nothing polls. One producer waits at a time.
   *
   * @example
   * while (w.pending >= 100 && !w.isClosed) await w.waitForRoom(100);
   * w.push(ev);
   */
  waitForRoom(capacity: number): Promise<void> {
    if (this.pending < capacity || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.roomBelow = capacity;
      this.roomWaiter = resolve;
    });
  }

  private wakeProducer(): void {
    const w = this.roomWaiter;
    this.roomWaiter = undefined;
    w?.();
  }

  stop(): void {
    if (this.closed) return;
    this.buffer = [];
    this.head = 0;
    this.close();
    this.onStop?.();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for (;;) {
        if (this.head < this.buffer.length) {
          const ev = this.buffer[this.head++]!;
          if (this.head > 1024 && this.head * 2 > this.buffer.length) {
            this.buffer = this.buffer.slice(this.head);
            this.head = 0;
          }
          if (this.roomWaiter && this.buffer.length - this.head < this.roomBelow) this.wakeProducer();
          yield ev;
          continue;
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
      }
    } finally {
      if (!this.closed) this.stop();
    }
  }
}

/**
 * An in-memory watch for tests with helpers named after the event types.
 *
 * @example
 * const w = newFakeWatch<Pod>();
 * w.add(pod); w.modify(pod2); w.delete(pod2); w.stop();
 */
export class FakeWatch<T = unknown> extends ChannelWatch<T> {
  add(obj: T): void {
    this.push({ type: 'ADDED', object: obj });
  }
  modify(obj: T): void {
    this.push({ type: 'MODIFIED', object: obj });
  }
  delete(obj: T): void {
    this.push({ type: 'DELETED', object: obj });
  }
  bookmark(obj: T): void {
    this.push({ type: 'BOOKMARK', object: obj });
  }
  error(status: unknown): void {
    this.push({ type: 'ERROR', object: status as T });
  }
}

/** Creates a {@link FakeWatch}. */
export function newFakeWatch<T = unknown>(): FakeWatch<T> {
  return new FakeWatch<T>();
}
