// Errors of the REST layer that are not answers from the server.

/**
 * The request never got an HTTP answer (connection refused, TLS failure, reset, DNS). `code` says
 * why in the words of the layer that failed: the errno or undici code of the cause, such as
 * ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ENOTFOUND, UND_ERR_SOCKET, UND_ERR_CONNECT_TIMEOUT or
 * a TLS code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID...). Classify by `code`,
 * never by the message text.
 *
 * @example
 * catch (e) {
 *   if (e instanceof TransportError && e.code === 'ECONNREFUSED') console.error('nothing listens at', e.url);
 * }
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** The errno/undici/TLS code of the failure (undefined when the cause has none). */
  readonly code: string | undefined;
  constructor(
    message: string,
    /** The request URL without credentials. */
    readonly url: string,
    /** `code` defaults to the code of `cause` (or of the cause's own cause). */
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options);
    this.code = options?.code ?? errorCode(options?.cause);
  }
}

/**
 * The string `code` of an error or of the errors it wraps (`cause`, up to 4 deep): Node's errno
 * and TLS codes and undici's codes all live there.
 *
 * @example
 * errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' })); // 'ECONNRESET'
 */
export function errorCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    if (typeof e.code === 'string' && e.code !== '') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The request was aborted by its signal or ran past its timeout. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The configuration cannot work (missing host, unreadable files, bad exec plugin setup). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * The request cannot be built (client-go's RequestConstructionError): an empty or path-changing
 * resource name, namespace, resource or subresource. Nothing was sent; retrying cannot help.
 *
 * @example
 * catch (e) { if (e instanceof RequestConstructionError) throw e; } // a bug in the caller
 */
export class RequestConstructionError extends Error {
  override readonly name = 'RequestConstructionError';
}

/**
 * Why `segment` cannot be a path segment ('' when it can): '.' and '..' are resolved away by URL
 * parsing, '/' adds a segment and '%' is decoded by the server (apimachinery's
 * IsValidPathSegmentName).
 */
export function invalidPathSegment(segment: string): string {
  if (segment === '.' || segment === '..') return `may not be '${segment}'`;
  if (segment.includes('/')) return "may not contain '/'";
  if (segment.includes('%')) return "may not contain '%'";
  return '';
}

/**
 * A streaming connection (exec, attach, port-forward) broke its protocol: a sub-protocol that was
 * not offered, a frame on a channel that does not exist, a malformed Status on the error channel.
 * The connection is closed when this is raised.
 *
 * @example
 * catch (e) { if (e instanceof StreamProtocolError) console.error('server spoke something else:', e.message); }
 */
export class StreamProtocolError extends Error {
  override readonly name = 'StreamProtocolError';
}

/**
 * A streaming connection ended before its stream did: the server or the network cut it
 * mid-transfer, or the heartbeat went unanswered. What was received before is delivered.
 *
 * @example
 * catch (e) { if (e instanceof StreamInterruptedError) retryLater(); }
 */
export class StreamInterruptedError extends Error {
  override readonly name = 'StreamInterruptedError';
}
