// Errors of the REST layer that are not answers from the server.

/**
 * The request never got an HTTP answer (connection refused, TLS failure, reset, DNS).
 *
 * @example
 * catch (e) { if (e instanceof TransportError) console.error('cannot reach', e.url); }
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    /** The request URL without credentials. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
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
