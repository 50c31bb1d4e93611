// "Has synced" as an event: a one-shot latch each FIFO and handler registration resolves when it
// syncs, and one process-wide notification that waitForCacheSync re-checks its conditions on, so
// that nothing polls for a cache to fill.

/** Something that syncs once: a SharedIndexInformer, a handler registration, a DeltaFIFO. */
export interface SyncSource {
  /** True once synced. */
  hasSynced(): boolean;
  /** Resolves once `hasSynced()` is true (never rejects; it stays pending if that never happens). */
  whenSynced(): Promise<void>;
}

const changeListeners = new Set<() => void>();

/**
 * Calls `fn` each time some cache or registration of this process syncs; returns the unsubscribe.
 * waitForCacheSync re-checks its `hasSynced` functions on these notifications.
 *
 * @example
 * const off = onCacheSynced(() => { if (ready()) { off(); go(); } });
 */
export function onCacheSynced(fn: () => void): () => void {
  changeListeners.add(fn);
  return () => changeListeners.delete(fn);
}

/** A one-shot latch: `open()` resolves `promise` and tells every {@link onCacheSynced} listener. */
export class SyncedLatch {
  private resolve: (() => void) | undefined;
  private promise: Promise<void> | undefined;
  /** True once opened. */
  isOpen = false;

  /** Resolves once opened. */
  wait(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    this.promise ??= new Promise<void>((resolve) => {
      this.resolve = resolve;
    });
    return this.promise;
  }

  /** Opens the latch (once). */
  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.resolve?.();
    this.resolve = undefined;
    for (const fn of [...changeListeners]) fn();
  }
}
