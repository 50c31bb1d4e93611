// The work queue with client-go's semantics: an item is queued at most once (dirty set), an item
// being processed is never handed to a second worker (processing set), and an item added while it
// is processed is queued again only when its worker calls done().
// Cost per item: the dirty set is the only large hash table touched (one insert per add, one lookup
// per duplicate add, one delete per get: backlog.ts); the processing set holds only in-flight items
// (an array while they are few: in-flight.ts), and done() looks at the dirty set only while some
// in-flight item was added again. Without a metrics provider
// (unnamed queue) no metrics work is done at all.
import { type Clock, type ClockTimer, realClock } from '../wait/clock.js';
import { Fifo } from '../ds/fifo.js';
import { type Backlog, SetBacklog } from './backlog.js';
import { InFlight } from './in-flight.js';
import {
  type CounterMetric,
  type GaugeMetric,
  globalMetricsProvider,
  type HistogramMetric,
  type MetricsProvider,
  type SettableGaugeMetric,
} from './metrics.js';

/** Options of a queue. */
export interface QueueOptions {
  /** Name for metrics; unnamed queues keep no metrics (as client-go). */
  name?: string;
  metricsProvider?: MetricsProvider;
  clock?: Clock;
}

/** What `get()` resolves with. */
export type GetResult<T> = { item: T; shutdown: false } | { item: undefined; shutdown: true };

/**
 * A FIFO work queue. Use string keys ("namespace/name") as client-go users do: items are compared
 * by value for strings and numbers, by identity for objects.
 *
 * @example
 * const q = new Queue<string>();
 * q.add('default/web');
 * const { item, shutdown } = await q.get();
 * if (!shutdown) { try { await reconcile(item); } finally { q.done(item); } }
 */
export class Queue<T> {
  /** The queued items and the dirty set. */
  protected readonly backlog: Backlog<T>;
  private readonly processing = new InFlight<T>();
  /** How many items are both dirty and processing (added again while in flight, not queued yet). */
  private redirtied = 0;
  private readonly waiters = new Fifo<(r: GetResult<T>) => void>();
  private drainWaiters: Array<() => void> = [];
  private shutting = false;
  private draining = false;
  protected readonly clock: Clock;
  private readonly metrics?: {
    depth: GaugeMetric;
    adds: CounterMetric;
    latency: HistogramMetric;
    workDuration: HistogramMetric;
    unfinished: SettableGaugeMetric;
    longest: SettableGaugeMetric;
    addTimes: Map<T, number>;
    processingStarts: Map<T, number>;
    timer?: ClockTimer;
  };

  constructor(options: QueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.backlog = this.createBacklog();
    if (options.name) {
      const p = options.metricsProvider ?? globalMetricsProvider();
      const n = options.name;
      this.metrics = {
        depth: p.newDepthMetric(n),
        adds: p.newAddsMetric(n),
        latency: p.newLatencyMetric(n),
        workDuration: p.newWorkDurationMetric(n),
        unfinished: p.newUnfinishedWorkSecondsMetric(n),
        longest: p.newLongestRunningProcessorSecondsMetric(n),
        addTimes: new Map(),
        processingStarts: new Map(),
      };
      this.scheduleMetricsUpdate();
    }
  }

  /** Queues an item unless it is queued already (or the queue is shutting down). */
  add(item: T): void {
    if (this.shutting) return;
    const handle = this.backlog.mark(item);
    if (handle >= 0) this.admit(item, handle);
  }

  /** The backlog kind of this queue (called once, by the constructor). */
  protected createBacklog(): Backlog<T> {
    return new SetBacklog<T>();
  }

  /** Queues an item just marked dirty (`handle` from the backlog), or defers it while in flight. */
  protected admit(item: T, handle: number): void {
    if (this.metrics) this.metricsAdded(item);
    if (this.processing.size > 0 && this.processing.has(item)) {
      this.redirtied++;
      return;
    }
    this.backlog.enqueue(item, handle);
    if (this.waiters.length > 0) this.serve();
  }

  /** Items waiting (not counting those being processed). */
  len(): number {
    return this.backlog.length;
  }

  /**
   * Waits for the next item and marks it as being processed; resolves `{ shutdown: true }` once
   * the queue is shut down and empty. Call `done(item)` when finished with it.
   */
  get(): Promise<GetResult<T>> {
    if (this.backlog.length > 0) return Promise.resolve({ item: this.take(), shutdown: false });
    if (this.shutting) return Promise.resolve({ item: undefined, shutdown: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * `get()` without the wait: the next item (marked as being processed, as `get()` does) when one
   * is queued, `{ shutdown: true }` once shut down and empty, else `undefined` (then `await get()`).
   * Saves a Promise and a microtask per item when a worker drains a full queue. Never takes an item
   * ahead of a waiting `get()`: those are served as soon as an item is queued.
   *
   * @example
   * const { item, shutdown } = q.tryGet() ?? (await q.get());
   */
  tryGet(): GetResult<T> | undefined {
    if (this.backlog.length > 0) return { item: this.take(), shutdown: false };
    if (this.shutting) return { item: undefined, shutdown: true };
    return undefined;
  }

  /** Marks an item as finished; if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    if (this.metrics) this.metricsDone(item);
    if (!this.processing.delete(item)) return; // not in flight: nothing to finish
    if (this.redirtied > 0) {
      const handle = this.backlog.dirtyHandle(item);
      if (handle >= 0) {
        this.redirtied--;
        this.backlog.enqueue(item, handle);
        if (this.waiters.length > 0) this.serve();
        return;
      }
    }
    if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      this.wakeDrainers();
    }
  }

  /**
   * Stops accepting items; `get()` hands out what is queued, then resolves shutdown. Also ends a
   * pending {@link shutDownWithDrain} without waiting for in-flight items (client-go's forced shutdown).
   */
  shutDown(): void {
    this.draining = false;
    this.startShutdown();
    this.wakeDrainers();
  }

  /**
   * Like {@link shutDown}, then waits until every item being processed is done (client-go's
   * ShutDownWithDrain). Items still queued are handed out by `get()` as usual.
   */
  async shutDownWithDrain(): Promise<void> {
    this.draining = true;
    this.startShutdown();
    while (this.draining && this.processing.size > 0) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** True once shut down. */
  shuttingDown(): boolean {
    return this.shutting;
  }

  private wakeDrainers(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const fn of w) fn();
  }

  private startShutdown(): void {
    this.shutting = true;
    this.metrics?.timer?.cancel();
    while (this.waiters.length > 0 && this.backlog.length === 0)
      this.waiters.shift()!({ item: undefined, shutdown: true });
  }

  private take(): T {
    const item = this.backlog.shift();
    if (this.metrics) this.metricsTaken(item);
    this.processing.add(item);
    return item;
  }

  private metricsAdded(item: T): void {
    const m = this.metrics!;
    m.adds.inc();
    if (!m.addTimes.has(item)) {
      m.addTimes.set(item, this.clock.now());
      m.depth.inc();
    }
  }

  private metricsTaken(item: T): void {
    const m = this.metrics!;
    const added = m.addTimes.get(item);
    if (added !== undefined) {
      m.latency.observe((this.clock.now() - added) / 1000);
      m.addTimes.delete(item);
      m.depth.dec();
    }
    m.processingStarts.set(item, this.clock.now());
  }

  private metricsDone(item: T): void {
    const m = this.metrics!;
    const start = m.processingStarts.get(item);
    if (start !== undefined) {
      m.workDuration.observe((this.clock.now() - start) / 1000);
      m.processingStarts.delete(item);
    }
  }

  private serve(): void {
    while (this.waiters.length > 0 && this.backlog.length > 0) {
      this.waiters.shift()!({ item: this.take(), shutdown: false });
    }
  }

  private scheduleMetricsUpdate(): void {
    const m = this.metrics!;
    m.timer = this.clock.setTimer(
      () => {
        const now = this.clock.now();
        let total = 0;
        let longest = 0;
        for (const start of m.processingStarts.values()) {
          const d = (now - start) / 1000;
          total += d;
          if (d > longest) longest = d;
        }
        m.unfinished.set(total);
        m.longest.set(longest);
        if (!this.shutting) this.scheduleMetricsUpdate();
      },
      500,
      true,
    );
  }
}
