// Broadcaster: fans one stream of events out to any number of watchers, each with a buffer of
// `queueLength`; when a watcher's buffer is full the broadcaster either waits for it or drops the
// event for that watcher (client-go's WaitIfChannelFull / DropIfChannelFull).
import { ChannelWatch } from '../apimachinery/watch/channel-watch.js';
import type { Watch, WatchEvent, WatchEventType } from '../apimachinery/watch/types.js';

/** What to do when a watcher's buffer is full. */
export type FullChannelBehavior = 'waitIfChannelFull' | 'dropIfChannelFull';

/**
 * client-go's watch.Broadcaster.
 *
 * @example
 * const b = new Broadcaster<Event>(100, 'dropIfChannelFull');
 * const w = b.watch();
 * await b.action('ADDED', event);
 */
export class Broadcaster<T = unknown> {
  private readonly watchers = new Set<ChannelWatch<T>>();
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    /** Buffer size of each watcher. */
    readonly queueLength: number,
    readonly fullChannelBehavior: FullChannelBehavior = 'waitIfChannelFull',
  ) {}

  /** A new watcher receiving every event from now on. */
  watch(): Watch<T> {
    return this.watchWithPrefix([]);
  }

  /** A new watcher that first receives `prefix` (e.g. the current state), then every event. */
  watchWithPrefix(prefix: WatchEvent<T>[]): Watch<T> {
    const w = new ChannelWatch<T>();
    if (this.stopped) {
      w.close();
      return w;
    }
    for (const ev of prefix) w.push(ev);
    w.onStop = () => this.watchers.delete(w);
    this.watchers.add(w);
    return w;
  }

  /**
   * Distributes an event to every watcher, in order with earlier actions. With
   * 'waitIfChannelFull' it resolves once every watcher had room for it.
   */
  action(type: WatchEventType, object: T): Promise<void> {
    const ev = { type, object };
    this.chain = this.chain.then(() => this.distribute(ev));
    return this.chain;
  }

  /** Distributes the event only if no watcher is full; returns false (event dropped) otherwise. */
  actionOrDrop(type: WatchEventType, object: T): boolean {
    if (this.stopped) return false;
    for (const w of this.watchers) if (w.pending >= this.queueLength) return false;
    for (const w of this.watchers) w.push({ type, object });
    return true;
  }

  private async distribute(ev: WatchEvent<T>): Promise<void> {
    if (this.stopped) return;
    for (const w of [...this.watchers]) {
      if (w.pending >= this.queueLength) {
        if (this.fullChannelBehavior === 'dropIfChannelFull') continue;
        while (w.pending >= this.queueLength && !w.isClosed) await new Promise((r) => setTimeout(r, 1));
      }
      w.push(ev);
    }
  }

  /** Delivers what is pending, then closes every watcher; later actions are ignored. */
  async shutdown(): Promise<void> {
    await this.chain;
    this.stopped = true;
    for (const w of this.watchers) w.close();
    this.watchers.clear();
  }
}
