// RESTClient: the per-group-version client every higher client sits on. It owns the round trip,
// the rate limiter and the warning handler, and hands out fluent Requests.
import {
  newFakeAlwaysRateLimiter,
  newTokenBucketRateLimiter,
  type RateLimiter,
} from '../util/flowcontrol/rate-limiter.js';
import { toLogger } from '../util/log/global.js';
import { type Config, DEFAULT_BURST, DEFAULT_MAX_RETRIES, DEFAULT_QPS } from './config.js';
import { ConfigError } from './errors.js';
import { protectSecrets, redacted } from './redact.js';
import type { RoundTrip } from './http.js';
import { Request, type RequestContext, versionedApiPath } from './request.js';
import { instrumentRoundTrip } from './request-log.js';
import { roundTripFor } from './transport.js';
import { noURLBackoff } from './url-backoff.js';
import { defaultWarningHandler } from './warnings.js';

/**
 * A client for one API group version (or, unversioned, for absolute paths).
 *
 * @example
 * const rc = restClientFor({ ...config, groupVersion: { group: '', version: 'v1' }, apiPath: '/api' });
 * const list = (await rc.get().namespace('default').resource('configmaps').do()).into<ConfigMapList>();
 */
export class RESTClient {
  /** The limiter this client waits on before each request (shared by clients made from one config). */
  readonly rateLimiter: RateLimiter;
  private readonly ctx: RequestContext;

  constructor(
    /** The config this client was made from. */
    readonly config: Config,
    options: { roundTrip?: RoundTrip; rateLimiter?: RateLimiter; versioned: boolean },
  ) {
    protectSecrets(config);
    let base: URL;
    try {
      base = new URL(config.host.includes('://') ? config.host : `https://${config.host}`);
    } catch {
      throw new ConfigError(`config.host ${JSON.stringify(config.host)} is not a valid URL`);
    }
    if (options.versioned && !config.groupVersion) {
      throw new ConfigError('groupVersion is required when building a versioned REST client');
    }
    this.rateLimiter = options.rateLimiter ?? rateLimiterFor(config);
    const logger = toLogger(config.logger);
    const secrets = [config.bearerToken, config.password].filter((s): s is string => Boolean(s));
    this.ctx = {
      baseUrl: base,
      versionedApiPath: options.versioned ? versionedApiPath(config.apiPath, config.groupVersion) : '',
      group: config.groupVersion?.group ?? '',
      roundTrip: instrumentRoundTrip(options.roundTrip ?? roundTripFor(config), logger, config.metrics, secrets),
      rateLimiter: this.rateLimiter,
      warningHandler: config.warningHandler ?? defaultWarningHandler(),
      maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
      timeout: config.timeout ?? config.timeoutMs,
      contentType: config.contentType ?? 'application/json',
      accept: config.acceptContentTypes ?? 'application/json',
      urlBackoff: config.urlBackoff ?? noURLBackoff,
      log: (line) => logger.info(line),
      metrics: config.metrics,
    };
  }

  /** What util.inspect and console.log show: the host, group version and the redacted config. */
  [Symbol.for('nodejs.util.inspect.custom')](
    depth: number,
    options: object,
    inspect: (v: unknown, o: object) => string,
  ): string {
    return `RESTClient ${inspect(this.toJSON(), { ...options, depth })}`;
  }

  /** What JSON.stringify shows: the redacted config. */
  toJSON(): { config: Config } {
    return { config: redacted(this.config) };
  }

  /** Starts a request with an arbitrary verb. */
  verb(verb: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', patchType?: string): Request {
    return new Request(this.ctx, verb, patchType);
  }

  /** Starts a GET. */
  get(): Request {
    return this.verb('GET');
  }
  /** Starts a POST. */
  post(): Request {
    return this.verb('POST');
  }
  /** Starts a PUT. */
  put(): Request {
    return this.verb('PUT');
  }
  /** Starts a PATCH with the given patch content type (see PatchType). */
  patch(patchType: string): Request {
    return this.verb('PATCH', patchType);
  }
  /** Starts a DELETE. */
  delete(): Request {
    return this.verb('DELETE');
  }
}

/**
 * The limiter a config asks for: its own `rateLimiter`, none when `qps < 0`, else a token bucket
 * with qps (default 5) and burst (default 10); 0 means the default for both, as in client-go, and
 * a negative burst is a ConfigError.
 *
 * @example
 * const shared = rateLimiterFor({ host, qps: 50, burst: 100 });
 */
export function rateLimiterFor(config: Config): RateLimiter {
  if (config.rateLimiter) return config.rateLimiter;
  const qps = config.qps ?? DEFAULT_QPS;
  if (qps < 0) return newFakeAlwaysRateLimiter();
  // As client-go, 0 means "unset" for both.
  const burst = config.burst || DEFAULT_BURST;
  if (!(burst >= 1)) throw new ConfigError(`burst must be at least 1 when requests are rate limited, not ${burst}`);
  return newTokenBucketRateLimiter(qps === 0 ? DEFAULT_QPS : qps, burst);
}

/**
 * A REST client for `config.groupVersion` (client-go's RESTClientFor).
 *
 * @example
 * const apps = restClientFor({ ...config, apiPath: '/apis', groupVersion: { group: 'apps', version: 'v1' } });
 */
export function restClientFor(
  config: Config,
  shared?: { rateLimiter?: RateLimiter; roundTrip?: RoundTrip },
): RESTClient {
  return new RESTClient(config, { ...shared, versioned: true });
}

/**
 * A REST client for absolute paths (discovery: `/api`, `/apis`, `/version`).
 *
 * @example
 * const v = (await unversionedRESTClientFor(config).get().absPath('/version').do()).into<{ gitVersion: string }>();
 */
export function unversionedRESTClientFor(
  config: Config,
  shared?: { rateLimiter?: RateLimiter; roundTrip?: RoundTrip },
): RESTClient {
  return new RESTClient(config, { ...shared, versioned: false });
}
