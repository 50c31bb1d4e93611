// The request log and metrics of a REST client, as a wrapper around its round trip (client-go's
// debugging round tripper and tools/metrics): at verbosity 6 one line per attempt
// (`GET <url> 200 OK in 4 milliseconds`, as kubectl -v=6), at 7 the request headers, at 8 the
// response headers and the bodies cut to 1 KiB, at 9 the whole bodies (up to 256 KiB), always
// with credentials redacted. Latency and result-code hooks fire for every attempt.
import type { Logger } from '../util/log/logger.js';
import { type HttpRequest, headerValue, type HttpResponse, type RoundTrip } from './http.js';
import { redactBody, redactHeaders } from './log-redact.js';
import { globalRestMetrics, observe, type RestMetrics } from './metrics.js';
import { sentCredentials } from './transport.js';

/** At verbosity 8 a body is shown up to this many characters (kubectl -v=8 cuts too). */
export const LOGGED_BODY_CHARS_V8 = 1024;
/** At most this many bytes of a body are kept for the log (at verbosity 9). */
export const MAX_LOGGED_BODY_BYTES = 256 * 1024;

/**
 * The reason phrase of an HTTP status ('' when unknown), from node:http, loaded on the first log
 * line instead of at import time.
 *
 * @example
 * statusText(101); // 'Switching Protocols'
 */
export function statusText(status: number): string {
  return process.getBuiltinModule('node:http').STATUS_CODES[status] ?? '';
}

/** The URL as a log line shows it: never with userinfo. */
export function logUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

/** Watches and followed logs: their bodies are streams that must stay untouched. */
function isStreaming(url: URL): boolean {
  return url.searchParams.get('watch') === 'true' || url.searchParams.get('follow') === 'true';
}

/** A body that keeps (up to the bound) what its reader reads, and hands it to `done` at the end. */
function recordedBody(
  body: HttpResponse['body'],
  done: (bytes: Buffer, complete: boolean) => void,
): HttpResponse['body'] {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const keep = (c: Uint8Array) => {
    if (size < MAX_LOGGED_BODY_BYTES) chunks.push(Buffer.from(c.subarray(0, MAX_LOGGED_BODY_BYTES - size)));
    size += c.byteLength;
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks), size <= MAX_LOGGED_BODY_BYTES);
  };
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for await (const c of body) {
          keep(c);
          yield c;
        }
      } finally {
        finish();
      }
    },
    async text() {
      const t = await body.text();
      keep(Buffer.from(t, 'utf8'));
      finish();
      return t;
    },
    async arrayBuffer() {
      const b = await body.arrayBuffer();
      keep(new Uint8Array(b));
      finish();
      return b;
    },
  };
}

/**
 * Wraps a round trip with the request log (on `logger`) and the latency and result hooks (on
 * `metrics`, else the global ones). `secrets` (the client's own credentials) are scrubbed from
 * every body shown.
 *
 * @example
 * const rt = instrumentRoundTrip(roundTripFor(config), newTextLogger({ verbosity: 6 }), undefined, []);
 */
export function instrumentRoundTrip(
  next: RoundTrip,
  logger: Logger,
  metrics: RestMetrics | undefined,
  secrets: readonly string[],
): RoundTrip {
  const showBody = (
    what: string,
    bytes: Buffer | string,
    path: string,
    complete: boolean,
    more: readonly string[] = [],
  ) => {
    const all = more.length > 0 ? [...secrets, ...more] : secrets;
    const text = redactBody(typeof bytes === 'string' ? bytes : bytes.toString('utf8'), path, complete, all);
    if (logger.verbosity >= 9) logger.v(9, `${what}: ${text}`);
    else
      logger.v(
        8,
        `${what}: ${text.length > LOGGED_BODY_CHARS_V8 ? `${text.slice(0, LOGGED_BODY_CHARS_V8)} [truncated ${text.length - LOGGED_BODY_CHARS_V8} chars]` : text}`,
      );
  };
  const traced = async (req: HttpRequest, v: number): Promise<HttpResponse> => {
    const verb = req.method;
    const host = req.url.host;
    if (v >= 7) logger.v(7, `Request Headers: ${JSON.stringify(redactHeaders(req.headers))}`);
    if (v >= 8 && req.body !== undefined) {
      if (typeof req.body === 'string' || req.body instanceof Uint8Array) {
        const b = typeof req.body === 'string' ? req.body : Buffer.from(req.body);
        const len = typeof b === 'string' ? Buffer.byteLength(b) : b.length;
        showBody('Request Body', b.slice(0, MAX_LOGGED_BODY_BYTES), req.url.pathname, len <= MAX_LOGGED_BODY_BYTES);
      } else logger.v(8, 'Request Body: [a stream]');
    }
    const started = performance.now();
    let res: HttpResponse;
    try {
      res = await next(req);
    } catch (err) {
      const latencyMs = performance.now() - started;
      observe(metrics, 'requestLatency', { verb, host, url: req.url, latencyMs });
      observe(metrics, 'requestResult', { code: '<error>', verb, host });
      if (v >= 6) {
        const ms = Math.round(latencyMs);
        logger.v(6, `${verb} ${logUrl(req.url)}  in ${ms} milliseconds: ${(err as Error)?.message ?? String(err)}`, {
          verb,
          url: logUrl(req.url),
          latencyMs: ms,
          err,
        });
      }
      throw err;
    }
    const latencyMs = performance.now() - started;
    observe(metrics, 'requestLatency', { verb, host, url: req.url, latencyMs });
    observe(metrics, 'requestResult', { code: String(res.status), verb, host });
    if (v >= 6) {
      const ms = Math.round(latencyMs);
      const status = `${res.status} ${statusText(res.status)}`.trimEnd();
      logger.v(6, `${verb} ${logUrl(req.url)} ${status} in ${ms} milliseconds`, {
        verb,
        url: logUrl(req.url),
        status: res.status,
        latencyMs: ms,
      });
    }
    if (v >= 8) {
      logger.v(8, `Response Headers: ${JSON.stringify(redactHeaders(res.headers))}`);
      if (!isStreaming(req.url)) {
        const path = req.url.pathname;
        // The request's own Authorization header, and what the transport added, may be echoed.
        const own = headerValue(req.headers, 'authorization');
        const sent = [...sentCredentials(res), ...(own ? [own, own.replace(/^\S+\s+/, '')] : [])];
        res = {
          ...res,
          body: recordedBody(res.body, (b, complete) => showBody('Response Body', b, path, complete, sent)),
        };
      }
    }
    return res;
  };
  return (req) => {
    const v = logger.verbosity;
    const hooks = metrics ?? globalRestMetrics();
    // The common case (no request log, no latency or result hook): no extra promise, no clock read.
    if (v < 6 && !hooks.requestLatency && !hooks.requestResult) return next(req);
    return traced(req, v);
  };
}
