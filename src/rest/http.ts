// The HTTP round trip as the REST layer sees it, and the middleware type that wraps it.
import type { Readable } from 'node:stream';

/** One HTTP request about to be sent. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Uint8Array | Readable;
  signal?: AbortSignal;
}

/** One HTTP response; `body` is read once. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array> & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };
  /** Stops reading the body and frees the connection. */
  dump?(): Promise<void>;
}

/** Sends a request and resolves with the response. */
export type RoundTrip = (req: HttpRequest) => Promise<HttpResponse>;

/**
 * Wraps each round trip: inspect or change the request, call `next`, inspect the response,
 * or answer without calling `next` (fakes do).
 *
 * @example
 * const logRequests: Middleware = async (req, next) => { console.log(req.method, req.url.pathname); return next(req); };
 */
export type Middleware = (req: HttpRequest, next: RoundTrip) => Promise<HttpResponse>;

/** Composes middleware around a round trip; the first middleware is the outermost. */
export function chainMiddleware(middleware: Middleware[], inner: RoundTrip): RoundTrip {
  return middleware.reduceRight<RoundTrip>((next, mw) => (req) => mw(req, next), inner);
}

/** Reads a header (case-insensitive) as one string. */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads a header (case-insensitive) as a list of values. */
export function headerValues(headers: HttpResponse['headers'], name: string): string[] {
  const v = headers[name.toLowerCase()] ?? headers[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
