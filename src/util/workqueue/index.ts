// kube-client/util/workqueue: the helpers layer. client-go's work queues (plain, delaying, rate limiting),
// per-item rate limiters, metrics and parallelizeUntil.
export { DelayingQueue } from './delaying-queue.js';
export {
  type CounterMetric,
  type GaugeMetric,
  globalMetricsProvider,
  type HistogramMetric,
  type MetricsProvider,
  noopMetricsProvider,
  type PromClientLike,
  promClientMetricsProvider,
  type SettableGaugeMetric,
  setProvider,
} from './metrics.js';
export { parallelizeUntil } from './parallelize.js';
export { type GetResult, Queue, type QueueOptions } from './queue.js';
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  defaultItemBasedRateLimiter,
  ItemExponentialFailureRateLimiter,
  ItemFastSlowRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
  WithMaxWaitRateLimiter,
} from './rate-limiters.js';
export { RateLimitingQueue } from './rate-limiting-queue.js';
