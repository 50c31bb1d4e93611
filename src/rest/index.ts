// kube-client/rest: the rest layer. Config, transport and auth, RESTClient/Request/Result, retries, rate
// limiting and warnings. Builds on apimachinery and util/flowcontrol only.
export {
  type Config,
  DEFAULT_BURST,
  DEFAULT_MAX_RETRIES,
  DEFAULT_QPS,
  defaultUserAgent,
  type ImpersonationConfig,
  KUBE_CLIENT_VERSION,
  type TLSClientConfig,
  withGroupVersion,
} from './config.js';
export { RESTClientPool } from './client-pool.js';
export {
  ConfigError,
  RequestAbortedError,
  RequestConstructionError,
  StreamInterruptedError,
  StreamProtocolError,
  TransportError,
  errorCode,
} from './errors.js';
export {
  clearExecCredentialCache,
  type ExecClusterInfo,
  type ExecConfig,
  type ExecCredentialStatus,
  EXEC_PLUGIN_INTERACTIVE_TIMEOUT_MS,
  EXEC_PLUGIN_TIMEOUT_MS,
  execCredentials,
  MAX_EXEC_PLUGIN_OUTPUT_BYTES,
} from './exec-credentials.js';
export { chainMiddleware, type HttpRequest, type HttpResponse, type Middleware, type RoundTrip } from './http.js';
export { MAX_ERROR_BODY_BYTES, protectSecrets, REDACTED, redacted, scrubCredentials } from './redact.js';
export { redactBody, redactHeaders } from './log-redact.js';
export {
  combineRestMetrics,
  globalRestMetrics,
  type PromClientRestLike,
  promClientRestMetrics,
  type RequestLatencyEvent,
  type RequestResultEvent,
  type RestMetrics,
  setRestMetrics,
} from './metrics.js';
export { instrumentRoundTrip, LOGGED_BODY_CHARS_V8, MAX_LOGGED_BODY_BYTES } from './request-log.js';
export { MAX_STATUS_CAUSES, MAX_STATUS_MESSAGE_CHARS, Request, type RequestBody } from './request.js';
export { RESTClient, rateLimiterFor, restClientFor, unversionedRESTClientFor } from './rest-client.js';
export { ListDecoder, type ListDecoderHooks } from './list-decoder.js';
export { Result } from './result.js';
export type { RateLimiter } from '../util/flowcontrol/rate-limiter.js';
export {
  closeAllTransports,
  closeRoundTrip,
  type ConnectionTls,
  type Credentials,
  credentialsFor,
  roundTripFor,
  transportPoolCount,
} from './transport.js';
export { connectTunnel, proxyFor } from './proxy-tunnel.js';
export {
  type DialedWebSocket,
  type WebSocketDialer,
  type WebSocketDialOptions,
  webSocketDialerFor,
} from './websocket.js';
export { newURLBackoff, noURLBackoff, type URLBackoffManager } from './url-backoff.js';
export {
  defaultWarningHandler,
  newDeduplicatingWarningHandler,
  noWarnings,
  parseWarningHeaders,
  setDefaultWarningHandler,
  type WarningHandler,
} from './warnings.js';
