// A controller: event sources (the primary resource, owned resources, mapped watches) filtered by
// predicates feed its own rate-limited work queue; maxConcurrentReconciles workers call the
// reconciler and requeue as it asks (or with backoff when it throws). Built with
// `mgr.controller(name).for(...).owns(...).watches(...).complete(reconcile)`.
import type { KubeObject } from '../apimachinery/meta.js';
import type { EventRecorder } from '../tools/record/broadcaster.js';
import type { ResourceEventHandler } from '../tools/cache/event-handler.js';
import { DeletedFinalStateUnknown } from '../tools/cache/keys.js';
import type { ResourceEventHandlerRegistration } from '../tools/cache/processor-listener.js';
import { type SharedIndexInformer, waitForCacheSync } from '../tools/cache/shared-informer.js';
import { defaultControllerRateLimiter, type RateLimiter } from '../util/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../util/workqueue/rate-limiting-queue.js';
import type { Cache, ResourceClientOf } from './cache.js';
import { asError, ControllerError } from './errors.js';
import type { ControllerMetrics, ReconcileOutcome } from './metrics.js';
import { getControllerOf, type ObjectType, setControllerReference } from './owner.js';
import { type Predicate, passes } from './predicates.js';
import { type Reconciler, type Request, type Result, requestKey, requestOfKey } from './request.js';

/** How long a reconcile that ignores its aborted signal may still hold the shutdown (ms). */
const ABANDON_AFTER_MS = 1000;

/** Options of a watched source. */
export interface SourceOptions<T extends KubeObject> {
  /** Events pass only when every predicate passes. */
  predicates?: Predicate<T>[];
}

/** Options of the primary resource. */
export interface ForOptions<T extends KubeObject> extends SourceOptions<T> {
  /** apiVersion and kind of the primary resource, needed with a dynamic client (typed clients know theirs). */
  type?: ObjectType;
}

/** Options of a controller. */
export interface ControllerOptions {
  /** Workers reconciling different objects at the same time (default 1). */
  maxConcurrentReconciles?: number;
  /** The queue's per-item rate limiter (default: client-go's default controller rate limiter). */
  rateLimiter?: RateLimiter<string>;
  /** Time in-flight reconciles get to finish on shutdown before their signal aborts (ms, default: the manager's). */
  gracefulShutdownTimeoutMs?: number;
}

/** Maps an event's object to the requests to enqueue (may throw: counted and logged). */
export type MapFunction<T extends KubeObject> = (obj: T) => Request[] | undefined;

/** What the manager gives each controller. */
export interface ControllerContext {
  cache: Cache;
  metrics: ControllerMetrics;
  log(line: string): void;
  recorder(component: string): EventRecorder;
  gracefulShutdownTimeoutMs: number;
}

interface Source {
  informer: SharedIndexInformer<KubeObject>;
  handler: ResourceEventHandler<KubeObject>;
}

function unwrap<T>(obj: T | DeletedFinalStateUnknown<T>): T | undefined {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** Counters of one controller, for tests and dashboards (prometheus metrics hold the same). */
export interface ControllerStats {
  reconciles: number;
  errors: number;
  requeues: number;
  mapErrors: number;
  activeWorkers: number;
}

/**
 * A running (or runnable) controller; made by {@link ControllerBuilder.complete}.
 *
 * @example
 * const ctl = mgr.controller('foo').for(foos).owns(deployments).complete(reconcile);
 * ctl.recorder.event(foo, 'Normal', 'Synced', 'Foo synced');
 */
export class Controller<T extends KubeObject = KubeObject> {
  /** Events on this controller's behalf (component = controller name). */
  readonly recorder: EventRecorder;
  readonly stats: ControllerStats = { reconciles: 0, errors: 0, requeues: 0, mapErrors: 0, activeWorkers: 0 };
  private queue: RateLimitingQueue<string> | undefined;
  private started = false;

  constructor(
    /** Name (queue name, metrics label, event source). */
    readonly name: string,
    /** The primary resource's type (owner references, events). */
    readonly primaryType: ObjectType | undefined,
    private readonly sources: Source[],
    private readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
    private readonly ctx: ControllerContext,
  ) {
    this.recorder = withTypeMeta(ctx.recorder(name), primaryType);
  }

  /**
   * Makes `owner` (a primary object) the controller of `obj`, with the primary type when the owner
   * read from the cache lacks apiVersion/kind. Throws OwnerReferenceError as setControllerReference.
   *
   * @example
   * await deployments.create(ctl.setControllerReference(foo, newDeployment(foo)));
   */
  setControllerReference<O extends KubeObject>(owner: T, obj: O): O {
    return setControllerReference(owner, obj, this.primaryType);
  }

  /** Adds a request to the queue (e.g. from a timer or an external event). */
  enqueue(request: Request): void {
    this.queue?.add(requestKey(request));
  }

  /** Requests waiting in the queue (0 when not running). */
  queueLength(): number {
    return this.queue?.len() ?? 0;
  }

  /** Times the request was requeued with backoff since it last succeeded. */
  numRequeues(request: Request): number {
    return this.queue?.numRequeues(requestKey(request)) ?? 0;
  }

  /**
   * Waits for its caches, reconciles until the signal aborts, then drains: in-flight and queued
   * requests finish (their signal aborts after the grace period). A controller runs once.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new ControllerError(`controller ${this.name} was started already`);
    this.started = true;
    const { metrics, log } = this.ctx;
    const queue = new RateLimitingQueue<string>(this.options.rateLimiter ?? defaultControllerRateLimiter<string>(), {
      name: this.name,
      metricsProvider: metrics.workqueue,
    });
    this.queue = queue;
    const registrations: Array<[SharedIndexInformer<KubeObject>, ResourceEventHandlerRegistration]> = [];
    for (const s of this.sources) registrations.push([s.informer, s.informer.addEventHandler(s.handler)]);
    const workers = Math.max(1, this.options.maxConcurrentReconciles ?? 1);
    metrics.maxConcurrentReconciles(this.name, workers);
    const reconcileAbort = new AbortController();
    try {
      const synced = await this.waitForSync(signal);
      if (!synced) return;
      log(`controller ${this.name}: caches synced, starting ${workers} worker(s)`);
      const running = Array.from({ length: workers }, () => this.worker(queue, reconcileAbort.signal));
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      log(`controller ${this.name}: stopping, draining ${queue.len()} queued request(s)`);
      const grace = this.options.gracefulShutdownTimeoutMs ?? this.ctx.gracefulShutdownTimeoutMs;
      // After the grace period reconciles are aborted; one that ignores its signal is abandoned
      // ABANDON_AFTER_MS later, so a stuck reconcile cannot hold the shutdown forever.
      let abandon: () => void = () => {};
      const abandoned = new Promise<void>((resolve) => {
        abandon = resolve;
      });
      let lastTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        log(`controller ${this.name}: graceful shutdown timed out after ${grace} ms; aborting reconciles`);
        reconcileAbort.abort(new ControllerError(`controller ${this.name} shut down`));
        queue.shutDown();
        lastTimer = setTimeout(() => {
          log(`controller ${this.name}: ${this.stats.activeWorkers} reconcile(s) ignored their signal; abandoned`);
          abandon();
        }, ABANDON_AFTER_MS);
      }, grace);
      const drained = (async () => {
        await queue.shutDownWithDrain();
        queue.shutDown();
        await Promise.all(running);
      })();
      await Promise.race([drained, abandoned]);
      clearTimeout(timer);
      clearTimeout(lastTimer);
      log(`controller ${this.name}: stopped`);
    } finally {
      queue.shutDown();
      for (const [inf, reg] of registrations) inf.removeEventHandler(reg);
    }
  }

  private async waitForSync(signal: AbortSignal): Promise<boolean> {
    return (await waitForCacheSync(signal, ...this.sources.map((s) => s.informer))) && !signal.aborted;
  }

  private async worker(queue: RateLimitingQueue<string>, signal: AbortSignal): Promise<void> {
    const { metrics, log } = this.ctx;
    for (;;) {
      const { item: key, shutdown } = await queue.get();
      if (shutdown) return;
      this.stats.activeWorkers++;
      metrics.activeWorkers(this.name, 1);
      const started = performance.now();
      let outcome: ReconcileOutcome = 'success';
      try {
        const result = (await this.reconciler(requestOfKey(key), signal)) as Exclude<Result, void> | undefined;
        if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          queue.forget(key);
          queue.addAfter(key, result.requeueAfterMs);
          outcome = 'requeue_after';
        } else if (result?.requeue) {
          queue.addRateLimited(key);
          outcome = 'requeue';
        } else {
          queue.forget(key);
        }
      } catch (thrown) {
        outcome = 'error';
        this.stats.errors++;
        const err = asError(thrown);
        queue.addRateLimited(key);
        try {
          log(`controller ${this.name}: reconcile ${key} failed (requeue #${queue.numRequeues(key)}): ${err.message}`);
        } catch {
          // a broken logger must not stop the worker
        }
      } finally {
        this.stats.reconciles++;
        if (outcome === 'requeue' || outcome === 'error' || outcome === 'requeue_after') this.stats.requeues++;
        this.stats.activeWorkers--;
        try {
          metrics.activeWorkers(this.name, -1);
          metrics.reconciled(this.name, outcome, (performance.now() - started) / 1000);
        } catch {
          // metrics must not stop the worker either
        }
        queue.done(key);
      }
    }
  }

  /** Called by sources: enqueue, counting and logging a failing map function. */
  handleMapError(thrown: unknown): void {
    this.stats.mapErrors++;
    this.ctx.metrics.mapFailed(this.name);
    this.ctx.log(`controller ${this.name}: watch map function failed: ${asError(thrown).message}`);
  }
}

/** Fills a missing apiVersion/kind of the primary type before recording (cached objects lack them). */
function withTypeMeta(recorder: EventRecorder, type: ObjectType | undefined): EventRecorder {
  const fill = (obj: KubeObject): KubeObject =>
    obj.kind || !type ? obj : { ...obj, apiVersion: obj.apiVersion || type.apiVersion, kind: type.kind };
  return {
    event: (obj, ...rest) => recorder.event(fill(obj), ...rest),
    eventf: (obj, ...rest) => recorder.eventf(fill(obj), ...rest),
    annotatedEventf: (obj, ...rest) => recorder.annotatedEventf(fill(obj), ...rest),
  };
}

/**
 * Builds a controller (controller-runtime's builder): one primary resource, any number of owned
 * resources and mapped watches, options, then `complete(reconcile)`.
 *
 * @example
 * mgr.controller('foo-controller')
 *   .for(fooClient, { predicates: [generationChanged()] })
 *   .owns(cs.appsV1.deployments())
 *   .watches(cs.coreV1.configMaps(), (cm) => [{ namespace: cm.metadata!.namespace!, name: cm.data?.foo ?? '' }])
 *   .withOptions({ maxConcurrentReconciles: 2 })
 *   .complete(async (req, signal) => done());
 */
export class ControllerBuilder<T extends KubeObject = KubeObject> {
  private primary: { client: ResourceClientOf<KubeObject>; options: ForOptions<KubeObject> } | undefined;
  private readonly owned: Array<{ client: ResourceClientOf<KubeObject>; options: SourceOptions<KubeObject> }> = [];
  private readonly mapped: Array<{
    client: ResourceClientOf<KubeObject>;
    map: MapFunction<KubeObject>;
    options: SourceOptions<KubeObject>;
  }> = [];
  private options: ControllerOptions = {};
  private built = false;

  constructor(
    readonly name: string,
    private readonly ctx: ControllerContext,
    private readonly register: (c: Controller<KubeObject>) => void,
  ) {
    if (!name) throw new ControllerError('a controller needs a name');
  }

  /** The primary resource: its events enqueue the object itself. */
  for<P extends KubeObject>(client: ResourceClientOf<P>, options: ForOptions<P> = {}): ControllerBuilder<P> {
    if (this.primary) throw new ControllerError(`controller ${this.name}: for() was called already`);
    this.primary = { client: client as never, options: options as ForOptions<KubeObject> };
    return this as unknown as ControllerBuilder<P>;
  }

  /** An owned resource: its events enqueue the object's controller owner when that is of the primary type. */
  owns<O extends KubeObject>(client: ResourceClientOf<O>, options: SourceOptions<O> = {}): this {
    this.owned.push({ client: client as never, options: options as SourceOptions<KubeObject> });
    return this;
  }

  /** Any resource: its events enqueue what `map` returns for the object. */
  watches<W extends KubeObject>(
    client: ResourceClientOf<W>,
    map: MapFunction<W>,
    options: SourceOptions<W> = {},
  ): this {
    this.mapped.push({
      client: client as never,
      map: map as MapFunction<KubeObject>,
      options: options as SourceOptions<KubeObject>,
    });
    return this;
  }

  /** Controller options (concurrency, rate limiter, shutdown grace). */
  withOptions(options: ControllerOptions): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  /** Builds the controller and adds it to the manager; it runs while the manager leads. */
  complete(reconcile: Reconciler): Controller<T> {
    if (this.built) throw new ControllerError(`controller ${this.name} was built already`);
    if (!this.primary) throw new ControllerError(`controller ${this.name}: call for(client) before complete()`);
    if (typeof reconcile !== 'function')
      throw new ControllerError(`controller ${this.name}: reconcile must be a function`);
    const d = this.primary.client.descriptor;
    const primaryType: ObjectType | undefined =
      this.primary.options.type ??
      (d.kind ? { apiVersion: d.group ? `${d.group}/${d.version}` : d.version, kind: d.kind } : undefined);
    if (this.owned.length > 0 && !primaryType)
      throw new ControllerError(
        `controller ${this.name}: the primary resource ${d.resource} has no kind (a dynamic client): pass for(client, { type: { apiVersion, kind } }) to use owns()`,
      );
    const namespaced = d.namespaced;
    const sources: Source[] = [];
    // Assigned once the controller exists; handlers only run after that (when it runs).
    let controller: Controller<T> | undefined;
    const enqueue = (r: Request | undefined) => {
      if (r?.name) controller?.enqueue(r);
    };
    const keyOf = (o: KubeObject | undefined): Request | undefined =>
      o?.metadata?.name ? { namespace: o.metadata.namespace ?? '', name: o.metadata.name } : undefined;
    const add = (
      client: ResourceClientOf<KubeObject>,
      predicates: Predicate<KubeObject>[],
      toRequests: (o: KubeObject) => Array<Request | undefined>,
    ) => {
      const emit = (o: KubeObject | undefined) => {
        if (!o) return;
        try {
          for (const r of toRequests(o) ?? []) enqueue(r);
        } catch (thrown) {
          controller?.handleMapError(thrown);
        }
      };
      const safe = (fn: () => boolean) => {
        try {
          return fn();
        } catch (thrown) {
          controller?.handleMapError(thrown);
          return false;
        }
      };
      sources.push({
        informer: this.ctx.cache.informerFor(client),
        handler: {
          onAdd: (o) => (safe(() => passes(predicates, 'create', o)) ? emit(o) : undefined),
          onUpdate: (o, n) => {
            if (!safe(() => passes(predicates, 'update', o, n))) return;
            const before = toRequests === primaryRequests ? [] : [o];
            for (const x of [...before, n]) emit(x);
          },
          onDelete: (o) => {
            const obj = unwrap(o);
            if (obj && safe(() => passes(predicates, 'delete', obj))) emit(obj);
          },
        },
      });
    };
    const primaryRequests = (o: KubeObject) => [keyOf(o)];
    add(this.primary.client, this.primary.options.predicates ?? [], primaryRequests);
    for (const { client, options } of this.owned) {
      add(client, options.predicates ?? [], (o) => {
        const ref = getControllerOf(o);
        if (!ref || !primaryType || ref.kind !== primaryType.kind) return [];
        if (groupOf(ref.apiVersion) !== groupOf(primaryType.apiVersion)) return [];
        return [{ namespace: namespaced ? (o.metadata?.namespace ?? '') : '', name: ref.name }];
      });
    }
    for (const { client, map, options } of this.mapped) add(client, options.predicates ?? [], (o) => map(o) ?? []);
    controller = new Controller<T>(this.name, primaryType, sources, reconcile, this.options, this.ctx);
    this.built = true;
    this.register(controller as unknown as Controller<KubeObject>);
    return controller;
  }
}
