// Which limiter a Config gets (client-go's RESTClientFor defaults): 0 means the default for qps
// (5) and burst (10), a negative qps means none, a negative burst is a ConfigError.
import { describe, expect, it } from 'vitest';
import { ConfigError, rateLimiterFor } from '../../../src/rest/index.js';

const host = 'https://127.0.0.1:6443';

/** How many requests pass at once (the burst), by tryAccept. */
function burstOf(limiter: { tryAccept(): boolean }): number {
  let n = 0;
  while (n < 10_000 && limiter.tryAccept()) n++;
  return n;
}

describe('rateLimiterFor', () => {
  it.each([
    { config: {}, qps: 5, burst: 10 },
    { config: { qps: 0, burst: 0 }, qps: 5, burst: 10 },
    { config: { qps: 50 }, qps: 50, burst: 10 },
    { config: { qps: 50, burst: 0 }, qps: 50, burst: 10 },
    { config: { qps: 20, burst: 40 }, qps: 20, burst: 40 },
  ])('$config -> qps $qps, burst $burst', ({ config, qps, burst }) => {
    const limiter = rateLimiterFor({ host, ...config });
    expect(limiter.qps()).toBe(qps);
    expect(burstOf(limiter)).toBe(burst);
  });

  it('has no limit for a negative qps', () => {
    expect(burstOf(rateLimiterFor({ host, qps: -1 }))).toBe(10_000);
  });

  it('rejects a negative burst with a ConfigError', () => {
    expect(() => rateLimiterFor({ host, qps: 5, burst: -1 })).toThrow(ConfigError);
  });

  it('returns the config own limiter as it is', () => {
    const own = rateLimiterFor({ host, qps: 1, burst: 1 });
    expect(rateLimiterFor({ host, rateLimiter: own })).toBe(own);
  });
});
