// The fluent Request: build the URL (namespace/resource/name/subresource, params), send it with
// rate limiting and client-go's retry rules, and turn the answer into a Result, a stream, a Watch
// or a typed error.
import { Readable } from 'node:stream';
import { genericStatusError, StatusError } from '../apimachinery/errors.js';
import type { Status } from '../apimachinery/meta.js';
import { groupVersionString } from '../apimachinery/schema.js';
import { StreamWatch } from '../apimachinery/watch/stream-decoder.js';
import type { Watch } from '../apimachinery/watch/types.js';
import type { RateLimiter } from '../util/flowcontrol/rate-limiter.js';
import { invalidPathSegment, RequestAbortedError, RequestConstructionError, TransportError } from './errors.js';
import { type HttpResponse, headerValue, headerValues, type RoundTrip } from './http.js';
import { ListDecoder, type ListDecoderHooks } from './list-decoder.js';
import { observe, type RestMetrics } from './metrics.js';
import { Result } from './result.js';
import type { URLBackoffManager } from './url-backoff.js';
import { MAX_ERROR_BODY_BYTES } from './redact.js';
import { parseWarningHeaders, type WarningHandler } from './warnings.js';

/** What a Request needs from its client. */
export interface RequestContext {
  baseUrl: URL;
  /** e.g. `/apis/apps/v1` */
  versionedApiPath: string;
  /** API group of the client's group version ('' for core or none), named in generic errors. */
  group?: string;
  roundTrip: RoundTrip;
  rateLimiter: RateLimiter;
  warningHandler: WarningHandler;
  maxRetries: number;
  /** Overall per-request limit in ms (not for watches). */
  timeout?: number;
  contentType: string;
  accept: string;
  /** Per-host backoff (client-go's BackoffManager; no-op by default). */
  urlBackoff: URLBackoffManager;
  /** Receives client-side throttling notices (waits over 1 s), like client-go's klog lines. */
  log: (line: string) => void;
  /** The client's metrics hooks (undefined: the global ones). */
  metrics?: RestMetrics;
  /** base path + versioned API path, computed by the first request (requests are hot). */
  pathPrefix?: string;
}

/** Waits on the rate limiter longer than this are logged, as client-go does. */
export const EXTRA_LONG_THROTTLE_LATENCY_MS = 1000;

/**
 * A watch with `timeoutSeconds` is ended by the server at that time; when no bytes arrive for
 * timeoutSeconds + 10 % + this grace, the connection is taken as dead and the watch ends (the
 * Reflector then watches again from its last resourceVersion).
 */
export const WATCH_IDLE_GRACE_MS = 5000;

/** A request body. Objects are sent as JSON. */
export type RequestBody = object | string | Uint8Array | Readable;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** `value` when it is a valid path segment ('' allowed), else a RequestConstructionError naming `what`. */
function checkedSegment(what: string, value: string): string {
  const why = value === '' ? '' : invalidPathSegment(value);
  if (why) throw new RequestConstructionError(`invalid ${what} ${JSON.stringify(value)}: ${why}`);
  return value;
}

/** Whole seconds from Retry-After; other forms (HTTP dates, fractions) count as absent, as in client-go. */
function retryAfterSeconds(res: HttpResponse): number | undefined {
  const v = headerValue(res.headers, 'retry-after')?.trim();
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** How much of a body that is not a Status an error quotes (client-go's maxUnstructuredResponseTextBytes). */
const MAX_UNSTRUCTURED_BODY_BYTES = 2048;

/** A Status message (and each cause's message and field) is cut to this many characters. */
export const MAX_STATUS_MESSAGE_CHARS = 16 * 1024;
/** At most this many causes of a Status are kept. */
export const MAX_STATUS_CAUSES = 1000;

function bounded(text: unknown): unknown {
  return typeof text === 'string' && text.length > MAX_STATUS_MESSAGE_CHARS
    ? `${text.slice(0, MAX_STATUS_MESSAGE_CHARS)}... (${text.length - MAX_STATUS_MESSAGE_CHARS} more characters)`
    : text;
}

/** A server's Status with its message, causes and their texts bounded in size. */
function boundedStatus(status: Status): Status {
  const out: Status = { ...status, message: bounded(status.message) as string | undefined };
  const details = status.details;
  if (details && typeof details === 'object') {
    out.details = { ...details, name: bounded(details.name) as string | undefined };
    if (Array.isArray(details.causes)) {
      out.details.causes = details.causes
        .slice(0, MAX_STATUS_CAUSES)
        .map((c) =>
          c && typeof c === 'object' ? { ...c, message: bounded(c.message), field: bounded(c.field) } : c,
        ) as typeof details.causes;
    }
  }
  return out;
}

/** No content type or a text/* one: client-go quotes only such bodies in errors. */
function isTextResponse(res: HttpResponse): boolean {
  const type = headerValue(res.headers, 'content-type')?.trim().toLowerCase();
  return !type || type.startsWith('text/');
}

const anySignal = (signals: AbortSignal[]): AbortSignal | undefined =>
  signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);

function isConnectionReset(err: unknown): boolean {
  if (!(err instanceof TransportError)) return false;
  return err.code === 'ECONNRESET' || err.code === 'UND_ERR_SOCKET' || err.code === 'EPIPE';
}

function encodeParam(params: URLSearchParams, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  if (Array.isArray(value)) {
    for (const v of value) encodeParam(params, key, v);
    return;
  }
  if (key === 'limit' && value === 0) return;
  params.append(key, typeof value === 'boolean' ? String(value) : String(value));
}

/**
 * One API request, built fluently and sent with `do()`, `doRaw()`, `stream()` or `watch()`.
 *
 * @example
 * const result = await restClient.get().namespace('default').resource('pods').name('web-0').do();
 * const pod = result.into<Pod>();
 */
export class Request {
  private ns = '';
  private nsSet = false;
  private res = '';
  private resourceName = '';
  private subresource: string[] = [];
  private pathPrefix: string;
  private suffix: string[] = [];
  private readonly params = new URLSearchParams();
  private readonly headers: Record<string, string> = {};
  private payload: RequestBody | undefined;
  private timeoutMs = 0;
  private abortSignal: AbortSignal | undefined;

  constructor(
    private readonly ctx: RequestContext,
    /** HTTP verb. */
    readonly verb: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    patchType?: string,
  ) {
    ctx.pathPrefix ??= joinPath(ctx.baseUrl.pathname, ctx.versionedApiPath);
    this.pathPrefix = ctx.pathPrefix;
    if (patchType) this.headers['content-type'] = patchType;
  }

  /** Scopes the request to a namespace (ignored when empty). */
  namespace(ns: string | undefined): this {
    this.nsSet = true;
    this.ns = checkedSegment('namespace', ns ?? '');
    return this;
  }

  /** The resource (plural, lower case), e.g. `pods`. */
  resource(resource: string): this {
    this.res = checkedSegment('resource', resource);
    return this;
  }

  /** The object name; an empty or path-changing one throws RequestConstructionError. */
  name(name: string): this {
    if (!name) throw new RequestConstructionError('resource name may not be empty');
    this.resourceName = checkedSegment('resource name', name);
    return this;
  }

  /** Subresource path segments, e.g. `status` or `scale`. */
  subResource(...segments: string[]): this {
    this.subresource = segments.filter((s) => s !== '').map((s) => checkedSegment('subresource', s));
    return this;
  }

  /** Appends segments to the path prefix (before namespace/resource). */
  prefix(...segments: string[]): this {
    this.pathPrefix = joinPath(this.pathPrefix, ...segments);
    return this;
  }

  /** Appends segments after name/subresource. */
  suffixPath(...segments: string[]): this {
    this.suffix.push(...segments);
    return this;
  }

  /** Replaces the path with the host's base path plus these segments (e.g. `/version`). */
  absPath(...segments: string[]): this {
    this.pathPrefix = joinPath(this.ctx.baseUrl.pathname, ...segments);
    return this;
  }

  /** Adds a query parameter. */
  param(key: string, value: string | number | boolean): this {
    encodeParam(this.params, key, value);
    return this;
  }

  /**
   * Encodes an options object (ListOptions, GetOptions, CreateOptions, PatchOptions, ...) as query
   * parameters as client-go does: empty values omitted, arrays repeated, booleans as text.
   */
  versionedParams(options: object | undefined): this {
    for (const [k, v] of Object.entries(options ?? {})) {
      if (k === 'signal') continue;
      encodeParam(this.params, k, v);
    }
    return this;
  }

  /** Sets a request header. */
  setHeader(key: string, value: string): this {
    this.headers[key.toLowerCase()] = value;
    return this;
  }

  /** The body: an object (sent as JSON), a string, bytes or a stream (never retried). */
  body(body: RequestBody): this {
    this.payload = body;
    return this;
  }

  /**
   * A time limit for this request, counted once the rate limiter has let it go; also sent to the
   * server as the `timeout` parameter.
   */
  timeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }

  /** Aborts the request (and ends its watch or stream) when the signal fires. */
  signal(signal: AbortSignal | undefined): this {
    this.abortSignal = signal;
    return this;
  }

  /** The full URL this request goes to. */
  url(): URL {
    const e = encodeURIComponent;
    // Path segments: the prefix's own, then each part encoded (so it cannot add a '/'); empty parts drop out.
    const segs = this.pathPrefix.split('/').filter((x) => x !== '');
    if (this.nsSet && this.ns) segs.push('namespaces', e(this.ns));
    if (this.res) segs.push(e(this.res));
    for (const part of [this.resourceName, ...this.subresource, ...this.suffix]) if (part) segs.push(e(part));
    let search = '';
    if (this.params.size > 0 || this.timeoutMs > 0) {
      const params = new URLSearchParams(this.params);
      if (this.timeoutMs > 0 && !params.has('watch')) params.set('timeout', `${this.timeoutMs / 1000}s`);
      search = params.toString();
    }
    return new URL(`${this.ctx.baseUrl.origin}/${segs.join('/')}${search ? `?${search}` : ''}`);
  }

  private encodedBody(): string | Uint8Array | Readable | undefined {
    const b = this.payload;
    if (b === undefined) return undefined;
    if (typeof b === 'string' || b instanceof Uint8Array || b instanceof Readable) return b;
    return JSON.stringify(b);
  }

  private describe(): string {
    const what = this.res ? `${this.res}${this.resourceName ? ` "${this.resourceName}"` : ''}` : this.pathPrefix;
    return `${this.verb} ${what}`;
  }

  /**
   * Sends with rate limiting and retries; resolves with a response of any status and its warnings.
   * As in client-go, the time limit starts once the first rate-limiter wait is over (throttling
   * alone never times a request out), and a watch skips the limiter on its first attempt.
   */
  private async send(isWatch: boolean, throttleFirst = true): Promise<{ res: HttpResponse; warnings: string[] }> {
    const signals: AbortSignal[] = [];
    if (this.abortSignal) signals.push(this.abortSignal);
    const limit = isWatch ? 0 : this.timeoutMs || this.ctx.timeout || 0;
    let signal = anySignal(signals);
    const body = this.encodedBody();
    const replayable = !(body instanceof Readable);
    const headers: Record<string, string> = { accept: this.ctx.accept, ...this.headers };
    if (body !== undefined && !headers['content-type']) headers['content-type'] = this.ctx.contentType;
    const url = this.url();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 || throttleFirst) {
        const waitStarted = performance.now();
        try {
          await this.ctx.rateLimiter.wait(signal);
          const waited = performance.now() - waitStarted;
          observe(this.ctx.metrics, 'rateLimiterLatency', { verb: this.verb, host: url.host, url, latencyMs: waited });
          if (waited > EXTRA_LONG_THROTTLE_LATENCY_MS) {
            this.ctx.log(
              `Waited for ${(waited / 1000).toFixed(3)}s due to client-side throttling, not priority and fairness, request: ${this.verb}:${url.origin}${url.pathname}`,
            );
          }
        } catch (err) {
          throw new RequestAbortedError(
            `${this.describe()} was aborted while waiting for the rate limiter`,
            url.pathname,
            {
              cause: err,
            },
          );
        }
      }
      if (attempt === 0 && limit > 0) signal = anySignal([...signals, AbortSignal.timeout(limit)]);
      const backoffMs = this.ctx.urlBackoff.calculateBackoff(url);
      if (backoffMs > 0) {
        try {
          await sleep(backoffMs, signal);
        } catch (err) {
          throw new RequestAbortedError(`${this.describe()} was aborted during backoff`, url.pathname, { cause: err });
        }
      }
      let res: HttpResponse;
      try {
        res = await this.ctx.roundTrip({ method: this.verb, url, headers, body, signal });
        this.ctx.urlBackoff.updateBackoff(url, res.status);
      } catch (err) {
        this.ctx.urlBackoff.updateBackoff(url, 0);
        if (this.verb === 'GET' && isConnectionReset(err) && attempt < this.ctx.maxRetries) {
          await sleep(1000, signal).catch(() => {});
          if (!signal?.aborted) {
            observe(this.ctx.metrics, 'requestRetry', { code: '<error>', verb: this.verb, host: url.host });
            continue;
          }
        }
        throw err;
      }
      const wait = res.status === 429 || res.status >= 500 ? retryAfterSeconds(res) : undefined;
      if (wait !== undefined && attempt < this.ctx.maxRetries && replayable) {
        await res.dump?.();
        try {
          await sleep(wait * 1000, signal);
        } catch (err) {
          throw new RequestAbortedError(`${this.describe()} was aborted while waiting to retry`, url.pathname, {
            cause: err,
          });
        }
        observe(this.ctx.metrics, 'requestRetry', { code: String(res.status), verb: this.verb, host: url.host });
        continue;
      }
      // Only the answer handed back reports its warnings (client-go never looks at retried ones).
      const warnings: string[] = [];
      for (const w of parseWarningHeaders(headerValues(res.headers, 'warning'))) {
        warnings.push(w.text);
        this.ctx.warningHandler.handleWarningHeader(w.code, w.agent, w.text);
      }
      return { res, warnings };
    }
  }

  private async readBody(res: HttpResponse): Promise<Buffer> {
    try {
      return Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      throw new TransportError(
        `${this.describe()}: reading the response failed: ${(err as Error).message}`,
        this.url().pathname,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * At most MAX_ERROR_BODY_BYTES of an error answer's body; the rest is not read (the transport
   * bounds it too, but a custom round trip may hand over any body).
   */
  private async readErrorBody(res: HttpResponse): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        size += chunk.byteLength;
        if (size >= MAX_ERROR_BODY_BYTES) break;
      }
    } catch {
      // cut short: quote what arrived
    }
    return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES);
  }

  private errorFor(res: HttpResponse, body: Buffer): StatusError {
    const text = body.toString('utf8');
    const retryAfter = retryAfterSeconds(res);
    try {
      const parsed = JSON.parse(text) as Status;
      if (parsed && parsed.kind === 'Status') {
        const status: Status = { ...boundedStatus(parsed), code: parsed.code || res.status };
        if (retryAfter !== undefined) status.details = { retryAfterSeconds: retryAfter, ...status.details };
        return new StatusError(status);
      }
    } catch {
      // not a Status: fall through to a generic error
    }
    // As client-go: up to 2 KiB of a text body, trimmed; other bodies (JSON, protobuf) are not quoted.
    const snippet = isTextResponse(res)
      ? body.subarray(0, MAX_UNSTRUCTURED_BODY_BYTES).toString('utf8').trim()
      : 'unknown';
    // As client-go: the group is named only when a resource is.
    const resource = { group: this.res ? (this.ctx.group ?? '') : '', resource: this.res };
    return genericStatusError(res.status, this.verb, resource, this.resourceName, snippet, retryAfter);
  }

  /**
   * Sends the request; resolves with a Result for 2xx, rejects with a StatusError otherwise and
   * with a TransportError / RequestAbortedError when no answer came.
   */
  async do(): Promise<Result> {
    const { res, warnings } = await this.send(false);
    if (res.status < 200 || res.status > 299) throw this.errorFor(res, await this.readErrorBody(res));
    const body = await this.readBody(res);
    return new Result(res.status, res.headers, body, warnings);
  }

  /**
   * Like `(await do()).into()`, for List responses: the body is decoded while it streams, each run
   * of complete items parsed as it arrives ({@link ListDecoder}), so the whole body is never held
   * at once. The result is exactly what `into()` gives; `hooks.onMeta` sees the List's metadata as
   * soon as it arrives (before the items).
   *
   * @example
   * const list = await rc.get().namespace('default').resource('configmaps').doList<ConfigMapList>();
   */
  async doList<T>(hooks?: ListDecoderHooks): Promise<T> {
    const { res } = await this.send(false);
    if (res.status < 200 || res.status > 299) throw this.errorFor(res, await this.readErrorBody(res));
    const decoder = new ListDecoder(hooks);
    try {
      for await (const chunk of res.body) decoder.write(chunk);
    } catch (err) {
      if (err instanceof SyntaxError) throw err;
      throw new TransportError(
        `${this.describe()}: reading the response failed: ${(err as Error).message}`,
        this.url().pathname,
        { cause: err },
      );
    }
    return decoder.end() as T;
  }

  /** Like {@link do} but resolves with the body bytes. */
  async doRaw(): Promise<Buffer> {
    return (await this.do()).raw();
  }

  /** Sends the request and resolves with the body as a stream (e.g. pod logs with follow). */
  async stream(): Promise<Readable> {
    const { res } = await this.send(true);
    if (res.status < 200 || res.status > 299) throw this.errorFor(res, await this.readErrorBody(res));
    return res.body instanceof Readable ? res.body : Readable.from(res.body);
  }

  /**
   * Starts a watch (sets watch=true) and resolves once the server accepted it; the Watch yields
   * decoded events. A 410 Gone or any other refusal rejects with a StatusError. As in client-go,
   * the first attempt does not wait on the rate limiter (retries do).
   */
  async watch<T = unknown>(): Promise<Watch<T>> {
    this.params.set('watch', 'true');
    const controller = new AbortController();
    const outer = this.abortSignal;
    this.abortSignal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    const { res } = await this.send(true, false);
    if (res.status !== 200) throw this.errorFor(res, await this.readErrorBody(res));
    // The server ends a watch after timeoutSeconds; silence well past that means a dead connection.
    const timeoutSeconds = Number(this.params.get('timeoutSeconds') ?? 0);
    const idleTimeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1100 + WATCH_IDLE_GRACE_MS : 0;
    return new StreamWatch<T>(res.body, () => controller.abort(), { idleTimeoutMs });
  }
}

function joinPath(...parts: string[]): string {
  const segs: string[] = [];
  for (const part of parts) {
    for (const s of part.split('/')) if (s !== '') segs.push(s);
  }
  return `/${segs.join('/')}`;
}

/** `/api/v1` or `/apis/<group>/<version>` for a config's apiPath and group version. */
export function versionedApiPath(
  apiPath: string | undefined,
  gv: { group: string; version: string } | undefined,
): string {
  if (!gv) return apiPath ?? '';
  return joinPath(apiPath ?? (gv.group === '' ? '/api' : '/apis'), groupVersionString(gv));
}
