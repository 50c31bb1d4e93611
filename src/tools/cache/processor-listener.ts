// One handler's delivery line: notifications are buffered without bound and delivered in order by
// the listener's own loop, so a slow handler only delays itself. Handler exceptions are reported
// and delivery goes on.
import { Fifo } from '../../util/ds/fifo.js';
import { type Clock, realClock } from '../../util/wait/clock.js';
import type { ResourceEventHandler } from './event-handler.js';
import type { DeletedFinalStateUnknown } from './keys.js';
import { type SyncSource, SyncedLatch } from './synced.js';

/** One notification. */
export type Notification<T> =
  | { kind: 'add'; obj: T; isInInitialList: boolean }
  | { kind: 'update'; oldObj: T; newObj: T }
  | { kind: 'delete'; obj: T | DeletedFinalStateUnknown<T> };

/** The handle addEventHandler returns. */
export interface ResourceEventHandlerRegistration {
  /** True once the informer synced and this handler has seen every object of the initial list. */
  hasSynced(): boolean;
  /**
   * Resolves once {@link hasSynced} is true (no polling: waitForCacheSync waits on it).
   *
   * @example
   * const reg = informer.addEventHandler(handler);
   * await reg.whenSynced(); // the handler has seen every object of the initial list
   */
  whenSynced(): Promise<void>;
}

/** Delivers notifications to one handler. */
export class ProcessorListener<T> implements ResourceEventHandlerRegistration {
  private readonly buffer = new Fifo<Notification<T>>();
  private waiter: (() => void) | undefined;
  private stopped = false;
  private pendingInitial = 0;
  /** Next time (on the informer's clock, ms) this listener wants a resync; 0 when it does not. */
  nextResync = 0;
  private running: Promise<void> | undefined;
  private readonly synced = new SyncedLatch();
  /** Set once the informer synced: from then on, the last initial delivery opens `synced`. */
  private informerDone = false;

  constructor(
    private readonly handler: ResourceEventHandler<T>,
    /** This handler's resync period in ms (0: none). */
    readonly resyncPeriodMs: number,
    private readonly informer: SyncSource,
    private readonly onError: (err: unknown) => void,
    clock: Clock = realClock,
  ) {
    this.determineNextResync(clock.now());
    void informer.whenSynced().then(() => {
      this.informerDone = true;
      this.checkSynced();
    });
  }

  hasSynced(): boolean {
    return this.informer.hasSynced() && this.pendingInitial === 0;
  }

  whenSynced(): Promise<void> {
    return this.synced.wait();
  }

  private checkSynced(): void {
    if (this.informerDone && this.pendingInitial === 0) this.synced.open();
  }

  /** Notifications not yet delivered. */
  get backlog(): number {
    return this.buffer.length;
  }

  add(n: Notification<T>): void {
    if (this.stopped) return;
    if (n.kind === 'add' && n.isInInitialList) this.pendingInitial++;
    this.buffer.push(n);
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Starts the delivery loop. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops delivering (pending notifications are dropped). */
  stop(): void {
    this.stopped = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  shouldResync(now: number): boolean {
    return this.resyncPeriodMs > 0 && now >= this.nextResync;
  }

  determineNextResync(now: number): void {
    this.nextResync = this.resyncPeriodMs > 0 ? now + this.resyncPeriodMs : 0;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const n = this.buffer.shift();
      if (!n) {
        await new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
        continue;
      }
      try {
        let r: void | Promise<void> | undefined;
        if (n.kind === 'add') r = this.handler.onAdd?.(n.obj, n.isInInitialList);
        else if (n.kind === 'update') r = this.handler.onUpdate?.(n.oldObj, n.newObj);
        else r = this.handler.onDelete?.(n.obj);
        // Await only handlers that return a promise: a sync handler costs no extra tick.
        if (r && typeof (r as Promise<void>).then === 'function') await r;
      } catch (err) {
        this.onError(err);
      } finally {
        if (n.kind === 'add' && n.isInInitialList && --this.pendingInitial === 0) this.checkSynced();
      }
    }
  }
}
