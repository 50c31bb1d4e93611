// Config: everything a client needs to reach and authenticate to an apiserver (client-go's
// rest.Config), as a plain object. Build one by hand, from a kubeconfig (kube-client/clientcmd) or
// in a pod (inClusterConfig).
import type { GroupVersion } from '../apimachinery/schema.js';
import type { Logger } from '../util/log/logger.js';
import type { RateLimiter } from '../util/flowcontrol/rate-limiter.js';
import type { ExecConfig } from './exec-credentials.js';
import type { Middleware } from './http.js';
import type { RestMetrics } from './metrics.js';
import { protectSecrets } from './redact.js';
import type { URLBackoffManager } from './url-backoff.js';
import type { WarningHandler } from './warnings.js';

/** TLS settings: PEM data or files (data wins), and verification options. */
export interface TLSClientConfig {
  /** PEM CA bundle that signed the server certificate. */
  caData?: string | Uint8Array;
  caFile?: string;
  /** PEM client certificate and key (client-certificate authentication). */
  certData?: string | Uint8Array;
  certFile?: string;
  keyData?: string | Uint8Array;
  keyFile?: string;
  /** Skip server certificate verification (never in production). */
  insecure?: boolean;
  /** Server name for SNI and certificate verification. */
  serverName?: string;
}

/** Act as another user (Impersonate-* headers). */
export interface ImpersonationConfig {
  userName?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/**
 * How to reach and authenticate to an apiserver.
 *
 * Once a client is made from a config (or a kubeconfig is loaded), util.inspect / console.log,
 * JSON.stringify and String() of it show `--- REDACTED ---` for the bearer token, password, client
 * key, exec args and env, and a proxy URL's password (client-go's Config.String); the fields
 * themselves keep their values. A frozen config cannot be given these hooks.
 *
 * @example
 * const config: Config = { host: 'https://127.0.0.1:6443', bearerToken: token, tls: { caFile: '/ca.crt' } };
 */
export interface Config {
  /** `https://host:port`, optionally with a path prefix. */
  host: string;
  /** `/api` for the core group, `/apis` for named groups (set by the clients). */
  apiPath?: string;
  /** The group version the client talks to (set by the clients). */
  groupVersion?: GroupVersion;
  /** Request content type; JSON is the only one supported. */
  contentType?: string;
  /** Accept header override (the metadata client uses this). */
  acceptContentTypes?: string;
  /** Bearer token; with bearerTokenFile set, used only while that file cannot be read. */
  bearerToken?: string;
  /**
   * A file holding the token, re-read about every minute (service-account tokens rotate); its
   * last good content wins over bearerToken, as in client-go.
   */
  bearerTokenFile?: string;
  /** Basic auth (when no token is set); the password may be empty. */
  username?: string;
  password?: string;
  tls?: TLSClientConfig;
  impersonate?: ImpersonationConfig;
  /** client.authentication.k8s.io exec credential plugin. */
  execProvider?: ExecConfig;
  /** Sent as User-Agent (default `kube-client/<version> (<os>/<arch>) node/<version>`). */
  userAgent?: string;
  /**
   * Overall time limit of each request in milliseconds, counted once the client-side rate limiter
   * has let it go (0 or unset: none; watches excepted).
   */
  timeoutMs?: number;
  /**
   * @deprecated Use `timeoutMs` (same value, in ms); this alias goes away in the next minor version.
   * When set, it wins over `timeoutMs`.
   */
  timeout?: number;
  /** Requests per second (default 5, also when 0 as in client-go); negative disables rate limiting. */
  qps?: number;
  /** Burst (default 10, also when 0 as in client-go); negative is a ConfigError. */
  burst?: number;
  /** A custom limiter (wins over qps/burst); share one between clients to share a budget. */
  rateLimiter?: RateLimiter;
  /** Receives server warnings (default: each distinct warning printed once to stderr). */
  warningHandler?: WarningHandler;
  /**
   * Do not ask the server to gzip responses (client-go's DisableCompression; kubeconfig's
   * `disable-compression`). Compression costs CPU on both ends; on loopback, in-cluster or other
   * fast links it makes large lists slower, which is why Kubernetes' own control plane turns it off.
   */
  disableCompression?: boolean;
  /** Proxy URL (http, https or socks5); default `'env'` honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY (proxyFor); `false` disables. */
  proxy?: string | 'env' | false;
  /** Wrappers around each HTTP round trip (client-go's WrapTransport). */
  middleware?: Middleware[];
  /** Per-host backoff after server errors (client-go's BackoffManager); off by default. */
  urlBackoff?: URLBackoffManager;
  /**
   * This client's logger (default: the global one, see kube-client/util/log): its notices
   * (client-side throttling over 1 s, credentials withheld from plain http) and, by its verbosity,
   * one line per request (6), headers (7), bodies (8, 9), credentials redacted. A line function
   * (the older form) receives every message as one line.
   */
  logger?: Logger | ((line: string) => void);
  /** This client's metrics hooks (default: the global ones, see `setRestMetrics`). */
  metrics?: RestMetrics;
  /** Retries after 429/5xx with Retry-After and after connection resets of GETs (default 10). */
  maxRetries?: number;
}

/** client-go's default rate: 5 requests per second. */
export const DEFAULT_QPS = 5;
/** client-go's default burst: 10 requests at once. */
export const DEFAULT_BURST = 10;
/** client-go's default number of retries of a request answered with Retry-After (10). */
export const DEFAULT_MAX_RETRIES = 10;

/** The package version, used in the default user agent. */
export const KUBE_CLIENT_VERSION = '0.1.0';

/**
 * The default User-Agent, like client-go's `<binary>/<version> (<os>/<arch>) kubernetes/<commit>`.
 *
 * @example
 * defaultUserAgent(); // 'kube-client/0.1.0 (linux/amd64) node/v20.20.2'
 */
export function defaultUserAgent(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `kube-client/${KUBE_CLIENT_VERSION} (${process.platform}/${arch}) node/${process.version}`;
}

/**
 * A copy of a config for another group version (what typed clients do).
 *
 * @example
 * const appsConfig = withGroupVersion(config, { group: 'apps', version: 'v1' });
 */
export function withGroupVersion(config: Config, gv: GroupVersion): Config {
  protectSecrets(config);
  return protectSecrets({ ...config, groupVersion: gv, apiPath: gv.group === '' ? '/api' : '/apis' });
}
