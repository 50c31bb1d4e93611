// The watch interface: a Watch is an async iterable of typed events with a stop() method.

/** Kinds of watch events. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** The event types in a list, for validation. */
export const WATCH_EVENT_TYPES: readonly WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'];

/** One watch event; for ERROR the object is a meta/v1 Status. */
export interface WatchEvent<T = unknown> {
  type: WatchEventType;
  object: T;
}

/**
 * A running watch. Iteration ends when the server closes the stream, the connection drops, or
 * `stop()` is called; it does not throw for a dropped connection (the reason is in `endReason`).
 *
 * @example
 * const w = await rc.get().resource('configmaps').watch();
 * for await (const ev of w) { console.log(ev.type); if (done) w.stop(); }
 */
export interface Watch<T = unknown> extends AsyncIterable<WatchEvent<T>> {
  /** Stops the watch: iteration ends after events already delivered. Safe to call twice. */
  stop(): void;
  /** Why the watch ended, once it has (undefined while running or after a clean end of stream). */
  readonly endReason?: Error;
  /**
   * Optional batch read: every event received and not yet handed out (waiting for more when there
   * are none), `undefined` once the watch ended. Consumers that handle events synchronously (the
   * Reflector) use it when present: one promise per batch instead of one per event. Do not mix it
   * with iteration on the same watch.
   *
   * @example
   * if (w.nextBatch) for (let b = await w.nextBatch(); b; b = await w.nextBatch()) b.forEach(handle);
   */
  nextBatch?(): Promise<WatchEvent<T>[] | undefined>;
}
