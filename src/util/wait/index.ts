// kube-client/util/wait: leaf utility (apimachinery's pkg/util/wait). Clocks, jitter, backoff and
// polling with AbortSignal.
export { type BackoffManager, newExponentialBackoffManager } from './backoff-manager.js';
export { type Clock, type ClockTimer, FakeClock, realClock } from './clock.js';
export {
  type Backoff,
  BackoffStepper,
  exponentialBackoff,
  jitter,
  pollUntilContextCancel,
  pollUntilContextTimeout,
  sleep,
  until,
  jitterUntil,
  WaitTimeoutError,
} from './backoff.js';
export { holdAbortListeners } from './shared-signal.js';
