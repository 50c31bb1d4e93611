// REST client metrics hooks (client-go's tools/metrics): request latency by verb and host, result
// codes, rate-limiter wait and retries. Settable globally and per client (Config.metrics); the
// default does nothing. A prom-client adapter with the metric names of Kubernetes' components.

/** What a latency hook receives. */
export interface RequestLatencyEvent {
  /** HTTP verb (`GET`, `POST`, ...). */
  verb: string;
  /** `host:port` of the apiserver. */
  host: string;
  /** The request's URL (path and query; never with credentials). */
  url: URL;
  latencyMs: number;
}

/** What a result or retry hook receives. */
export interface RequestResultEvent {
  /** The status code as text (`'200'`), or `'<error>'` when no answer came (as client-go). */
  code: string;
  verb: string;
  host: string;
}

/**
 * Hooks the REST client calls (every one optional). A hook that throws is ignored.
 *
 * @example
 * setRestMetrics({ requestResult: (e) => counts.set(e.code, (counts.get(e.code) ?? 0) + 1) });
 */
export interface RestMetrics {
  /** One attempt's round trip, from sending to the response headers (or the failure). */
  requestLatency?(event: RequestLatencyEvent): void;
  /** One attempt's outcome. */
  requestResult?(event: RequestResultEvent): void;
  /** Time spent waiting on the client-side rate limiter before an attempt. */
  rateLimiterLatency?(event: RequestLatencyEvent): void;
  /** An attempt that is retried (after a Retry-After answer or a connection reset). */
  requestRetry?(event: RequestResultEvent): void;
}

let globalMetrics: RestMetrics = {};

/**
 * Sets the hooks used by every REST client without its own `Config.metrics` (client-go's
 * metrics.Register); `undefined` turns them off. Clients made earlier follow too.
 *
 * @example
 * setRestMetrics(promClientRestMetrics(promClient));
 */
export function setRestMetrics(metrics: RestMetrics | undefined): void {
  globalMetrics = metrics ?? {};
}

/**
 * The hooks set with {@link setRestMetrics}.
 *
 * @example
 * const m = globalRestMetrics();
 */
export function globalRestMetrics(): RestMetrics {
  return globalMetrics;
}

/**
 * Hooks that call each of `list` in turn; an `undefined` entry stands for the global hooks at the
 * time of the call (so a component can add its own hooks to a client without hiding the global ones).
 *
 * @example
 * const config2 = { ...config, metrics: combineRestMetrics(mine, config.metrics) };
 */
export function combineRestMetrics(...list: Array<RestMetrics | undefined>): RestMetrics {
  const each =
    <K extends keyof RestMetrics>(hook: K) =>
    (event: Parameters<NonNullable<RestMetrics[K]>>[0]) => {
      for (const m of list) observe(m, hook, event);
    };
  return {
    requestLatency: each('requestLatency'),
    requestResult: each('requestResult'),
    rateLimiterLatency: each('rateLimiterLatency'),
    requestRetry: each('requestRetry'),
  };
}

/** Calls one hook of the client's metrics (its own, else the global ones); a throwing hook is ignored. */
export function observe<K extends keyof RestMetrics>(
  own: RestMetrics | undefined,
  hook: K,
  event: Parameters<NonNullable<RestMetrics[K]>>[0],
): void {
  const fn = (own ?? globalMetrics)[hook] as ((e: typeof event) => void) | undefined;
  if (!fn) return;
  try {
    fn.call(own ?? globalMetrics, event);
  } catch {
    // Metrics never break a request.
  }
}

// biome-ignore lint/suspicious/noExplicitAny: prom-client's Registry type, without depending on its types.
type AnyRegistry = any;

/** The subset of prom-client this adapter uses (pass the module: `import * as promClient from 'prom-client'`). */
export interface PromClientRestLike {
  Counter: new (cfg: {
    name: string;
    help: string;
    labelNames: string[];
    registers?: AnyRegistry[];
  }) => {
    labels(...v: string[]): { inc(): void };
  };
  Histogram: new (cfg: {
    name: string;
    help: string;
    labelNames: string[];
    buckets: number[];
    registers?: AnyRegistry[];
  }) => {
    labels(...v: string[]): { observe(n: number): void };
  };
}

/** Kubernetes' buckets for request latency (seconds). */
const LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/**
 * RestMetrics on prom-client (an optional peer dependency: pass the module in), with the names
 * Kubernetes components export: `rest_client_request_duration_seconds{verb,host}`,
 * `rest_client_requests_total{code,method,host}`, `rest_client_rate_limiter_duration_seconds{verb,host}`
 * and `rest_client_request_retries_total{code,verb,host}`. The work queue's adapter is
 * `promClientMetricsProvider` in kube-client/util/workqueue.
 *
 * @example
 * import * as promClient from 'prom-client';
 * setRestMetrics(promClientRestMetrics(promClient));
 */
export function promClientRestMetrics(prom: PromClientRestLike, registry?: unknown): RestMetrics {
  const registers = registry ? [registry] : undefined;
  const latency = new prom.Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by verb, and host.',
    labelNames: ['verb', 'host'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const results = new prom.Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host'],
    registers,
  });
  const limiter = new prom.Histogram({
    name: 'rest_client_rate_limiter_duration_seconds',
    help: 'Client side rate limiter latency in seconds. Broken down by verb, and host.',
    labelNames: ['verb', 'host'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const retries = new prom.Counter({
    name: 'rest_client_request_retries_total',
    help: 'Number of request retries, partitioned by status code, verb, and host.',
    labelNames: ['code', 'verb', 'host'],
    registers,
  });
  return {
    requestLatency: (e) => latency.labels(e.verb, e.host).observe(e.latencyMs / 1000),
    requestResult: (e) => results.labels(e.code, e.verb, e.host).inc(),
    rateLimiterLatency: (e) => limiter.labels(e.verb, e.host).observe(e.latencyMs / 1000),
    requestRetry: (e) => retries.labels(e.code, e.verb, e.host).inc(),
  };
}
