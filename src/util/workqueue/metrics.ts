// Work queue metrics as client-go defines them (depth, adds, queue latency, work duration,
// unfinished work, longest running processor, retries), behind a provider interface; the default
// provider does nothing. Metrics are only kept for named queues.

/** A gauge that goes up and down. */
export interface GaugeMetric {
  inc(): void;
  dec(): void;
}
/** A gauge set to a value. */
export interface SettableGaugeMetric {
  set(value: number): void;
}
/** A counter. */
export interface CounterMetric {
  inc(): void;
}
/** A histogram of seconds. */
export interface HistogramMetric {
  observe(seconds: number): void;
}

/**
 * Creates the metrics of one named queue (client-go's workqueue.MetricsProvider).
 *
 * @example
 * setProvider(promClientMetricsProvider(promClient));
 */
export interface MetricsProvider {
  newDepthMetric(name: string): GaugeMetric;
  newAddsMetric(name: string): CounterMetric;
  newLatencyMetric(name: string): HistogramMetric;
  newWorkDurationMetric(name: string): HistogramMetric;
  newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric;
  newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric;
  newRetriesMetric(name: string): CounterMetric;
}

const noop = { inc() {}, dec() {}, set() {}, observe() {} };

/** A provider whose metrics do nothing. */
export const noopMetricsProvider: MetricsProvider = {
  newDepthMetric: () => noop,
  newAddsMetric: () => noop,
  newLatencyMetric: () => noop,
  newWorkDurationMetric: () => noop,
  newUnfinishedWorkSecondsMetric: () => noop,
  newLongestRunningProcessorSecondsMetric: () => noop,
  newRetriesMetric: () => noop,
};

let globalProvider: MetricsProvider = noopMetricsProvider;

/** Sets the provider used by queues created afterwards without their own (client-go's SetProvider). */
export function setProvider(provider: MetricsProvider): void {
  globalProvider = provider;
}

/** The provider set with {@link setProvider}. */
export function globalMetricsProvider(): MetricsProvider {
  return globalProvider;
}

// biome-ignore lint/suspicious/noExplicitAny: prom-client's Registry type, without depending on its types.
type AnyRegistry = any;

/** The subset of prom-client this adapter uses (pass the module: `import * as promClient from 'prom-client'`). */
export interface PromClientLike {
  Gauge: new (cfg: {
    name: string;
    help: string;
    labelNames: string[];
    registers?: AnyRegistry[];
  }) => {
    labels(...v: string[]): { inc(): void; dec(): void; set(n: number): void };
  };
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
  register?: unknown;
}

/**
 * A MetricsProvider on prom-client (an optional peer dependency: pass the module in), with
 * client-go's metric names and buckets (10 ns x 10^0..9).
 *
 * @example
 * import * as promClient from 'prom-client';
 * setProvider(promClientMetricsProvider(promClient));
 */
export function promClientMetricsProvider(prom: PromClientLike, registry?: unknown): MetricsProvider {
  const registers = registry ? [registry] : undefined;
  const buckets = Array.from({ length: 10 }, (_, i) => 10e-9 * 10 ** i);
  const labelNames = ['name'];
  const depth = new prom.Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames, registers });
  const adds = new prom.Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames,
    registers,
  });
  const latency = new prom.Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested.',
    labelNames,
    buckets,
    registers,
  });
  const work = new prom.Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames,
    buckets,
    registers,
  });
  const unfinished = new prom.Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has done that is in progress and hasn't been observed by work_duration.",
    labelNames,
    registers,
  });
  const longest = new prom.Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames,
    registers,
  });
  const retries = new prom.Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames,
    registers,
  });
  return {
    newDepthMetric: (n) => depth.labels(n),
    newAddsMetric: (n) => adds.labels(n),
    newLatencyMetric: (n) => latency.labels(n),
    newWorkDurationMetric: (n) => work.labels(n),
    newUnfinishedWorkSecondsMetric: (n) => unfinished.labels(n),
    newLongestRunningProcessorSecondsMetric: (n) => longest.labels(n),
    newRetriesMetric: (n) => retries.labels(n),
  };
}
