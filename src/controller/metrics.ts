// The manager's metrics on prom-client (an optional peer dependency): client-go's work queue
// metrics, controller-runtime's reconcile metrics (count by result, errors, duration histogram,
// active workers) and the REST client's metrics hooks, all in one registry per manager.
import type { Middleware } from '../rest/http.js';
import { promClientRestMetrics, type RestMetrics } from '../rest/metrics.js';
import {
  type MetricsProvider,
  noopMetricsProvider,
  type PromClientLike,
  promClientMetricsProvider,
} from '../util/workqueue/metrics.js';

/** The part of the prom-client module the manager uses (pass `import * as promClient from 'prom-client'`). */
export interface PromClientModule extends PromClientLike {
  Registry: new () => { metrics(): Promise<string>; readonly contentType: string };
}

/** How a reconcile ended. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/**
 * What controllers report. The default does nothing; {@link promControllerMetrics} exports them.
 *
 * @example
 * metrics.reconciled('foo', 'success', 0.012);
 */
export interface ControllerMetrics {
  /** The work queues' provider. */
  readonly workqueue: MetricsProvider;
  reconciled(controller: string, outcome: ReconcileOutcome, seconds: number): void;
  /** A watch's map function threw. */
  mapFailed(controller: string): void;
  activeWorkers(controller: string, delta: 1 | -1): void;
  maxConcurrentReconciles(controller: string, n: number): void;
  /** Hooks counting REST requests (added to the manager's Config, beside its own or the global ones). */
  readonly restMetrics?: RestMetrics;
  /** @deprecated Use `restMetrics`. Middleware around the manager's round trips (still added when set). */
  readonly restMiddleware?: Middleware;
  /** The exposition text (Prometheus format) and its content type, when exported. */
  scrape?(): Promise<{ contentType: string; body: string }>;
}

/** Metrics that go nowhere. */
export const noopControllerMetrics: ControllerMetrics = {
  workqueue: noopMetricsProvider,
  reconciled() {},
  mapFailed() {},
  activeWorkers() {},
  maxConcurrentReconciles() {},
};

/** controller-runtime's reconcile time buckets (seconds). */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2,
  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/**
 * Controller metrics in a new prom-client registry, with controller-runtime's and client-go's names:
 * `controller_runtime_reconcile_total{controller,result}`, `controller_runtime_reconcile_errors_total`,
 * `controller_runtime_reconcile_time_seconds`, `controller_runtime_active_workers`,
 * `controller_runtime_max_concurrent_reconciles`, `kube_client_controller_map_errors_total`,
 * `workqueue_*{name}` and the REST client's (`promClientRestMetrics`: `rest_client_requests_total{code,method,host}`,
 * `rest_client_request_duration_seconds{verb,host}`, the rate-limiter wait and retries).
 *
 * @example
 * import * as promClient from 'prom-client';
 * const metrics = promControllerMetrics(promClient);
 * console.log((await metrics.scrape!()).body);
 */
export function promControllerMetrics(prom: PromClientModule): ControllerMetrics {
  const registry = new prom.Registry();
  const registers = [registry];
  const total = new prom.Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers,
  });
  const errors = new prom.Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers,
  });
  const time = new prom.Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const active = new prom.Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers,
  });
  const max = new prom.Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'],
    registers,
  });
  const mapErrors = new prom.Counter({
    name: 'kube_client_controller_map_errors_total',
    help: 'Total number of watch map function failures per controller',
    labelNames: ['controller'],
    registers,
  });
  return {
    workqueue: promClientMetricsProvider(prom, registry),
    reconciled(controller, outcome, seconds) {
      total.labels(controller, outcome).inc();
      if (outcome === 'error') errors.labels(controller).inc();
      time.labels(controller).observe(seconds);
    },
    mapFailed: (controller) => mapErrors.labels(controller).inc(),
    activeWorkers: (controller, delta) =>
      delta > 0 ? active.labels(controller).inc() : active.labels(controller).dec(),
    maxConcurrentReconciles: (controller, n) => max.labels(controller).set(n),
    restMetrics: promClientRestMetrics(prom, registry),
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
