// kube-client/util/flowcontrol: leaf utility. Token bucket and the REST client's rate limiters.
export {
  newFakeAlwaysRateLimiter,
  newFakeNeverRateLimiter,
  newTokenBucketRateLimiter,
  type RateLimiter,
} from './rate-limiter.js';
export { type Reservation, TokenBucket } from './token-bucket.js';
