// The Manager (controller-runtime's): one Config and typed Clientset, one shared cache, an event
// broadcaster, optional leader election on a Lease (controllers run only while leading; the cache
// runs on standbys too so a new leader starts warm), a /metrics /healthz /readyz endpoint, and a
// graceful shutdown that drains every controller's queue.
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { KubeObject } from '../apimachinery/meta.js';
import { Clientset, scheme } from '../kubernetes/index.js';
import type { Config } from '../rest/config.js';
import { combineRestMetrics } from '../rest/metrics.js';
import { LeaderElector } from '../tools/leaderelection/leader-elector.js';
import { LeaseLock } from '../tools/leaderelection/resource-lock.js';
import { globalLogger } from '../util/log/global.js';
import {
  type EventBroadcaster,
  type EventRecorder,
  newBroadcaster,
  sinkForClientset,
} from '../tools/record/broadcaster.js';
import { Cache, type CachedReader, type ResourceClientOf } from './cache.js';
import { type Controller, ControllerBuilder, type ControllerContext } from './controller.js';
import { ControllerError, LeadershipLostError } from './errors.js';
import {
  type ControllerMetrics,
  noopControllerMetrics,
  type PromClientModule,
  promControllerMetrics,
} from './metrics.js';
import { type Check, portOf, startProbeServer } from './server.js';

/** Leader election of a manager (durations in ms; client-go's defaults 15 s / 10 s / 2 s). */
export interface LeaderElectionOptions {
  /** Name of the Lease. */
  name: string;
  /** Namespace of the Lease (default 'default'). */
  namespace?: string;
  /** This replica's identity (default `<hostname>_<pid>_<random>`). */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Give the Lease up on shutdown so a standby takes over at once (default true). */
  releaseOnCancel?: boolean;
}

/** Options of a {@link Manager}. */
export interface ManagerOptions {
  /** Where the API server is (e.g. `loadKubeConfig().config` or an envtest control plane's config). */
  config: Config;
  /** Run controllers only while holding this Lease. */
  leaderElection?: LeaderElectionOptions;
  /** Serve /metrics, /healthz and /readyz on this port (0: any free port; default: no server). */
  probePort?: number;
  /** Address of that server (default '127.0.0.1'). */
  probeHost?: string;
  /**
   * Metrics: the prom-client module (`import * as promClient from 'prom-client'`); by default the
   * manager loads prom-client when it is installed, `false` turns metrics off.
   */
  promClient?: PromClientModule | false;
  /** Time in-flight reconciles get on shutdown before their signal aborts (ms, default 30 s). */
  gracefulShutdownTimeoutMs?: number;
  /** Informer resync period (ms, default none). */
  resyncMs?: number;
  /** Log lines (default: stderr). */
  log?: (line: string) => void;
}

type Status = 'new' | 'running' | 'stopped';

/**
 * Runs controllers.
 *
 * @example
 * const mgr = new Manager({ config, leaderElection: { name: 'foo-controller' }, probePort: 8081 });
 * mgr.controller('foo').for(fooClient).owns(mgr.clientset.appsV1.deployments()).complete(reconcile);
 * await mgr.start(signal); // resolves after a drained shutdown once the signal aborts
 */
export class Manager {
  /** The Config every client of the manager uses (with the REST metrics middleware when metrics are on). */
  readonly config: Config;
  /** The typed Clientset over {@link config}. */
  readonly clientset: Clientset;
  /** The shared informer cache. */
  readonly cache: Cache;
  readonly controllers: Controller<KubeObject>[] = [];
  private readonly metrics: ControllerMetrics;
  private readonly broadcaster: EventBroadcaster;
  private readonly healthChecks = new Map<string, Check>();
  private readonly readyChecks = new Map<string, Check>();
  private readonly log: (line: string) => void;
  private elector: LeaderElector | undefined;
  private server: Server | undefined;
  private status: Status = 'new';
  private leading = false;

  constructor(private readonly options: ManagerOptions) {
    if (!options?.config) throw new ControllerError('a Manager needs a config');
    this.log = options.log ?? ((line) => globalLogger.info(line));
    this.metrics = options.promClient ? promControllerMetrics(options.promClient) : noopControllerMetrics;
    this.config = this.withMetrics(options.config);
    this.clientset = Clientset.forConfig(this.config);
    this.cache = new Cache({ resyncMs: options.resyncMs });
    this.broadcaster = newBroadcaster({ scheme });
    this.healthChecks.set('ping', () => undefined);
    this.readyChecks.set('informers', () => (this.cache.hasSynced() ? undefined : 'caches not synced'));
  }

  private withMetrics(config: Config): Config {
    const { restMetrics, restMiddleware } = this.metrics;
    let out = config;
    if (restMetrics) out = { ...out, metrics: combineRestMetrics(restMetrics, config.metrics) };
    if (restMiddleware) out = { ...out, middleware: [restMiddleware, ...(config.middleware ?? [])] };
    return out;
  }

  /**
   * Loads prom-client when installed (used by {@link Manager.create}); without it metrics are off.
   *
   * @example
   * const mgr = await Manager.create({ config, probePort: 8080 });
   */
  static async create(options: ManagerOptions): Promise<Manager> {
    if (options.promClient === undefined) {
      try {
        const prom = (await import('prom-client')) as unknown as PromClientModule & { default?: PromClientModule };
        return new Manager({ ...options, promClient: prom.Registry ? prom : (prom.default ?? false) });
      } catch {
        return new Manager({ ...options, promClient: false });
      }
    }
    return new Manager(options);
  }

  /**
   * Starts building a controller.
   *
   * @example
   * mgr.controller('foo').for(foos).complete(async (req) => done());
   */
  controller(name: string): ControllerBuilder {
    if (this.controllers.some((c) => c.name === name))
      throw new ControllerError(`a controller named ${name} exists already (names label metrics and queues)`);
    if (this.status !== 'new') throw new ControllerError('add controllers before the manager starts');
    return new ControllerBuilder(name, this.context(), (c) => this.controllers.push(c));
  }

  private context(): ControllerContext {
    return {
      cache: this.cache,
      metrics: this.metrics,
      log: this.log,
      recorder: (component) => this.eventRecorder(component),
      gracefulShutdownTimeoutMs: this.options.gracefulShutdownTimeoutMs ?? 30_000,
    };
  }

  /**
   * A typed reader of a resource from the shared cache.
   *
   * @example
   * const pods = mgr.reader(mgr.clientset.coreV1.pods());
   */
  reader<T extends KubeObject>(client: ResourceClientOf<T>): CachedReader<T> {
    return this.cache.reader(client);
  }

  /**
   * An event recorder (core/v1 Events) with this component name.
   *
   * @example
   * mgr.eventRecorder('foo-controller').event(foo, 'Normal', 'Synced', 'done');
   */
  eventRecorder(component: string): EventRecorder {
    return this.broadcaster.newRecorder({ component, host: hostname() });
  }

  /**
   * Adds a liveness check to /healthz.
   *
   * @example
   * mgr.addHealthCheck('db', async () => (await db.ping()) ? undefined : 'db unreachable');
   */
  addHealthCheck(name: string, check: Check): void {
    this.healthChecks.set(name, check);
  }

  /** Adds a readiness check to /readyz. */
  addReadyCheck(name: string, check: Check): void {
    this.readyChecks.set(name, check);
  }

  /** True while this replica leads (always true without leader election, once started). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The identity of the current leader ('' without leader election or before one is known). */
  leader(): string {
    return this.elector?.getLeader() ?? '';
  }

  /** The port of the probe/metrics server (undefined when it does not run). */
  probePort(): number | undefined {
    return this.server ? portOf(this.server) : undefined;
  }

  /**
   * Runs until the signal aborts: starts the probe server and the cache, then the controllers
   * (right away, or once elected), and on abort drains the controllers, stops the cache, flushes
   * events and closes the server. Rejects with {@link LeadershipLostError} when leadership is lost.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.status !== 'new') throw new ControllerError('a manager starts once');
    this.status = 'running';
    const cacheStop = new AbortController();
    let lost = false;
    try {
      if (this.options.probePort !== undefined) {
        this.server = await startProbeServer(
          { healthChecks: this.healthChecks, readyChecks: this.readyChecks, scrape: this.metrics.scrape },
          this.options.probePort,
          this.options.probeHost ?? '127.0.0.1',
        );
        this.log(`manager: /metrics, /healthz and /readyz on port ${portOf(this.server)}`);
      }
      const stopRecording = this.broadcaster.startRecordingToSink(sinkForClientset(this.clientset));
      this.cache.start(cacheStop.signal);
      const le = this.options.leaderElection;
      if (!le) {
        await this.runControllers(signal);
      } else {
        const ns = le.namespace ?? 'default';
        const identity = le.identity ?? `${hostname()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        this.elector = new LeaderElector({
          lock: new LeaseLock(this.clientset.coordinationV1.leases(ns), le.name, identity),
          leaseDuration: le.leaseDurationMs ?? 15_000,
          renewDeadline: le.renewDeadlineMs ?? 10_000,
          retryPeriod: le.retryPeriodMs ?? 2_000,
          releaseOnCancel: le.releaseOnCancel ?? true,
          name: le.name,
          callbacks: {
            onStartedLeading: (leading) => {
              this.log(`manager: ${identity} is the leader (Lease ${ns}/${le.name}); starting controllers`);
              return this.runControllers(leading);
            },
            onStoppedLeading: () => {
              if (!signal.aborted) lost = true;
            },
            onNewLeader: (id) => {
              if (id !== identity) this.log(`manager: the leader is ${id}; waiting as a standby`);
            },
          },
        });
        const elector = this.elector;
        this.healthChecks.set('leaderElection', () => elector.check(2_000));
        await elector.run(signal);
      }
      stopRecording();
    } finally {
      cacheStop.abort();
      await this.cache.stopped();
      await this.broadcaster.shutdown();
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      this.server?.closeAllConnections?.();
      this.status = 'stopped';
    }
    if (lost) throw new LeadershipLostError('leadership lost: controllers stopped (restart to compete again)');
  }

  private async runControllers(signal: AbortSignal): Promise<void> {
    this.leading = true;
    try {
      await Promise.all(this.controllers.map((c) => c.run(signal)));
    } finally {
      this.leading = false;
    }
  }
}
