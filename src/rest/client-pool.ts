// RESTClientPool: one REST client per group version, all sharing one rate limiter and one
// connection pool, as the clients of one client-go clientset do.
import type { GroupVersion } from '../apimachinery/schema.js';
import type { RateLimiter } from '../util/flowcontrol/rate-limiter.js';
import { type Config, withGroupVersion } from './config.js';
import type { RoundTrip } from './http.js';
import { protectSecrets } from './redact.js';
import { rateLimiterFor, type RESTClient, restClientFor } from './rest-client.js';
import { closeRoundTrip, roundTripFor } from './transport.js';

/**
 * Hands out (and caches) a RESTClient per group version for one config.
 *
 * @example
 * const pool = new RESTClientPool(config);
 * const apps = pool.forGroupVersion({ group: 'apps', version: 'v1' });
 */
export class RESTClientPool {
  private readonly clients = new Map<string, RESTClient>();
  /** Shared by every client of the pool. */
  readonly rateLimiter: RateLimiter;
  readonly roundTrip: RoundTrip;

  constructor(
    readonly config: Config,
    /** Per-pool adjustments of each client's config (e.g. the metadata client's Accept header). */
    private readonly adjust: (config: Config) => Config = (c) => c,
  ) {
    protectSecrets(config);
    this.rateLimiter = rateLimiterFor(config);
    this.roundTrip = roundTripFor(config);
  }

  /**
   * Releases the round trip every client of the pool shares (the connection pool closes when
   * nothing else uses it); requests through any of its clients fail afterwards.
   *
   * @example
   * const pool = new RESTClientPool(config);
   * await pool.close();
   */
  close(): Promise<void> {
    return closeRoundTrip(this.roundTrip);
  }

  /** The client of one group version. */
  forGroupVersion(gv: GroupVersion): RESTClient {
    const key = `${gv.group}/${gv.version}`;
    let rc = this.clients.get(key);
    if (!rc) {
      rc = restClientFor(this.adjust(withGroupVersion(this.config, gv)), {
        rateLimiter: this.rateLimiter,
        roundTrip: this.roundTrip,
      });
      this.clients.set(key, rc);
    }
    return rc;
  }
}
