// Broadcaster: fans one stream of events out to any number of watchers, each with a buffer of
// `queueLength`; when a watcher's buffer is full the broadcaster either waits for it or drops the
// event for that watcher (client-go's WaitIfChannelFull / DropIfChannelFull).
import { ChannelWatch } from './channel-watch.js';
import type { Watch, WatchEvent, WatchEventType } from './types.js';

/** What to do when a watcher's buffer is full. */
export type FullChannelBehavior = 'waitIfChannelFull' | 'dropIfChannelFull';

/** A watcher's buffer size and the number of the first event it gets. */
interface Joined {
  capacity: number;
  from: number;
}

/**
 * client-go's watch.Broadcaster.
 *
 * @example
 * const b = new Broadcaster<Event>(100, 'dropIfChannelFull');
 * const w = b.watch();
 * await b.action('ADDED', event);
 */
export class Broadcaster<T = unknown> {
  private readonly watchers = new Map<ChannelWatch<T>, Joined>();
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  /** Events accepted so far (action and actionOrDrop number them in call order). */
  private accepted = 0;

  constructor(
    /**
     * Buffer size of each watcher. Below 1 it acts as 1: Go's unbuffered channel hands an event to a
     * reader that waits for it, here the event waits in a buffer of one.
     */
    readonly queueLength: number,
    readonly fullChannelBehavior: FullChannelBehavior = 'waitIfChannelFull',
  ) {}

  /**
   * A new watcher receiving every event from now on: not those of earlier actions, even when they
   * are still being distributed. After shutdown, an already ended watch.
   */
  watch(): Watch<T> {
    return this.watchWithPrefix([]);
  }

  /**
   * A new watcher that first receives `prefix` (e.g. the current state), then every event from now
   * on; its buffer holds at least the whole prefix and one event. After shutdown, an already ended watch.
   */
  watchWithPrefix(prefix: WatchEvent<T>[]): Watch<T> {
    const w = new ChannelWatch<T>();
    if (this.stopped) {
      w.close();
      return w;
    }
    for (const ev of prefix) w.push(ev);
    w.onStop = () => this.watchers.delete(w);
    this.watchers.set(w, { capacity: Math.max(this.queueLength, prefix.length + 1), from: this.accepted });
    return w;
  }

  /**
   * Distributes an event to every watcher, in order with earlier actions. With
   * 'waitIfChannelFull' it resolves once every watcher had room for it.
   */
  action(type: WatchEventType, object: T): Promise<void> {
    const ev = { type, object };
    const n = this.accepted++;
    this.chain = this.chain.then(() => this.distribute(ev, n));
    return this.chain;
  }

  /**
   * Queues the event behind earlier actions only if no watcher is full now; returns false (event
   * dropped) otherwise or after shutdown.
   */
  actionOrDrop(type: WatchEventType, object: T): boolean {
    if (this.stopped) return false;
    for (const [w, { capacity }] of this.watchers) if (w.pending >= capacity) return false;
    void this.action(type, object);
    return true;
  }

  private async distribute(ev: WatchEvent<T>, n: number): Promise<void> {
    if (this.stopped) return;
    for (const [w, { capacity, from }] of [...this.watchers]) {
      if (n < from) continue; // joined after this event was sent
      if (w.pending >= capacity) {
        if (this.fullChannelBehavior === 'dropIfChannelFull') continue;
        // Woken by the watcher's consumer when it takes an event (or stops): no polling.
        while (w.pending >= capacity && !w.isClosed) await w.waitForRoom(capacity);
      }
      w.push(ev);
    }
  }

  /** Delivers what is pending, then closes every watcher; later actions are ignored. */
  async shutdown(): Promise<void> {
    await this.chain;
    this.stopped = true;
    for (const w of this.watchers.keys()) w.close();
    this.watchers.clear();
  }
}
