// Typed API errors: a StatusError carries the apiserver's Status; predicates classify it the way
// client-go's k8s.io/apimachinery/pkg/api/errors does (by reason first, by HTTP code when the
// reason is unknown).
import type { Status } from './meta.js';
import type { GroupResource } from './schema.js';

/** Reasons the apiserver puts in a failure Status. */
export const StatusReason = {
  Unknown: '',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Invalid: 'Invalid',
  ServerTimeout: 'ServerTimeout',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InternalError: 'InternalError',
  Expired: 'Expired',
  ServiceUnavailable: 'ServiceUnavailable',
  StoreReadError: 'StorageReadError',
} as const;

/** Reasons the predicates recognise; any other reason (or none) lets them fall back to the HTTP code. */
const knownReasons = new Set<string>(Object.values(StatusReason).filter((r) => r !== StatusReason.Unknown));

/** The cause type of a generic error whose body was not a Status (client-go's CauseTypeUnexpectedServerResponse). */
const UNEXPECTED_SERVER_RESPONSE = 'UnexpectedServerResponse';

/**
 * An error answered by the apiserver, with its Status.
 *
 * @example
 * try { await cs.coreV1.pods('ns').get('x'); } catch (e) { if (isNotFound(e)) ...; }
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  /** The Status the server sent (or one built from the HTTP code). */
  readonly status: Status;

  constructor(status: Status) {
    super(status.message || `the server responded with HTTP ${status.code ?? 'error'}`);
    this.status = { apiVersion: 'v1', kind: 'Status', status: 'Failure', ...status };
  }

  /** HTTP status code. */
  get code(): number {
    return this.status.code ?? 0;
  }

  /** The Status reason ('' when unknown). */
  get reason(): string {
    return this.status.reason ?? '';
  }

  /** Seconds the server asked to wait before retrying (details.retryAfterSeconds), if any. */
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }
}

// Reason and message per HTTP code, as client-go's NewGenericServerResponse (which has no case for
// 410 or 413: those keep the Unknown reason and are classified by their code).
const genericMessages: Record<number, [string, string]> = {
  400: [StatusReason.BadRequest, 'the server rejected our request for an unknown reason'],
  401: [StatusReason.Unauthorized, 'the server has asked for the client to provide credentials'],
  403: [StatusReason.Forbidden, 'the server does not allow access to the requested resource'],
  404: [StatusReason.NotFound, 'the server could not find the requested resource'],
  405: [StatusReason.MethodNotAllowed, 'the server does not allow this method on the requested resource'],
  406: [StatusReason.NotAcceptable, 'the server was unable to respond with a content type that the client supports'],
  409: [StatusReason.Conflict, 'the server reported a conflict'],
  415: [StatusReason.UnsupportedMediaType, 'the server does not support the content type of the request'],
  422: [StatusReason.Invalid, 'the server rejected our request due to an error in our request'],
  429: [StatusReason.TooManyRequests, 'the server has received too many requests and has asked us to try again later'],
  503: [StatusReason.ServiceUnavailable, 'the server is currently unable to handle the request'],
  504: [
    StatusReason.Timeout,
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  ],
};

/** Codes whose answer text says more than the generic message (who may not do what, which types are accepted). */
const keepsServerMessage = new Set([403, 406, 415]);

/**
 * Builds a StatusError for a response that carried no Status body, as client-go's
 * NewGenericServerResponse does: the reason and message follow the HTTP code (a 409 answering a
 * POST is AlreadyExists, any other 409 Conflict; 403, 406 and 415 keep the server's text when
 * there is some; an unlisted 5xx is InternalError quoting `serverMessage`), the message ends with
 * "(verb resource.group "name")" when a resource is known, and the details carry the group,
 * resource (as kind), name, retryAfterSeconds and the server's text as an
 * UnexpectedServerResponse cause. `serverMessage` is the body as the caller quotes it (already
 * truncated; client-go passes "unknown" for bodies that are not text). Unlike client-go, the
 * name is quoted.
 *
 * @example
 * genericStatusError(404, 'GET', { group: 'apps', resource: 'deployments' }, 'web');
 * // message: 'the server could not find the requested resource (get deployments.apps "web")'
 */
export function genericStatusError(
  code: number,
  verb: string,
  resource: string | GroupResource = '',
  name = '',
  serverMessage = '',
  retryAfterSeconds?: number,
): StatusError {
  const gr = typeof resource === 'string' ? { group: '', resource } : resource;
  let [reason, message] = genericMessages[code] ?? ['', ''];
  if (code === 409 && verb.toUpperCase() === 'POST') reason = StatusReason.AlreadyExists;
  if (keepsServerMessage.has(code) && serverMessage && serverMessage !== 'unknown') message = serverMessage;
  if (!reason) {
    if (code >= 500) {
      reason = StatusReason.InternalError;
      message = `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`;
    } else {
      message = `the server responded with the status code ${code} but did not return more information`;
    }
  }
  if (gr.group || gr.resource) {
    const qualified = gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
    message = `${message} (${verb.toLowerCase()} ${qualified}${name ? ` ${JSON.stringify(name)}` : ''})`;
  }
  return new StatusError({
    code,
    reason,
    message,
    details: {
      group: gr.group || undefined,
      kind: gr.resource || undefined,
      name: name || undefined,
      causes: [{ reason: UNEXPECTED_SERVER_RESPONSE, message: serverMessage }],
      retryAfterSeconds,
    },
  });
}

/**
 * The Status reason of an error ('' when it is not a StatusError).
 *
 * @example
 * reasonForError(err) === StatusReason.AlreadyExists;
 */
export function reasonForError(err: unknown): string {
  return err instanceof StatusError ? err.reason : '';
}

function codeOf(err: unknown): number {
  return err instanceof StatusError ? err.code : 0;
}

/**
 * A predicate over any caught value: a type guard that narrows it to a {@link StatusError} when
 * true. A value already typed StatusError gets a plain boolean instead, so the false branch keeps
 * it a StatusError (a guard would narrow it to `never` there).
 *
 * @example
 * try { await cs.coreV1.pods('default').get('web'); } catch (err) {
 *   if (isNotFound(err)) console.log(err.status.message); // err: StatusError here
 *   else throw err;
 * }
 */
export interface StatusErrorPredicate {
  (err: StatusError): boolean;
  (err: unknown): err is StatusError;
}

function is(reason: string, code: number): StatusErrorPredicate {
  return (err: unknown): err is StatusError => {
    if (!(err instanceof StatusError)) return false;
    const r = err.reason;
    return r === reason || (!knownReasons.has(r) && err.code === code);
  };
}

/**
 * True for 404 / NotFound. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isNotFound(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isNotFound = is(StatusReason.NotFound, 404);
/**
 * True for AlreadyExists (a create of an existing name). Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isAlreadyExists(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isAlreadyExists: StatusErrorPredicate = (err: unknown): err is StatusError =>
  reasonForError(err) === StatusReason.AlreadyExists;
/**
 * True for 409 / Conflict (a stale resourceVersion). Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isConflict(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isConflict = is(StatusReason.Conflict, 409);
/**
 * True for 422 / Invalid. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isInvalid(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isInvalid = is(StatusReason.Invalid, 422);
/**
 * True for 410 / Gone. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isGone(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isGone = is(StatusReason.Gone, 410);
/**
 * True for reason Expired (e.g. a too old resourceVersion). Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isResourceExpired(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isResourceExpired: StatusErrorPredicate = (err: unknown): err is StatusError =>
  reasonForError(err) === StatusReason.Expired;
/**
 * True for 403 / Forbidden. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isForbidden(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isForbidden = is(StatusReason.Forbidden, 403);
/**
 * True for 401 / Unauthorized. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isUnauthorized(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isUnauthorized = is(StatusReason.Unauthorized, 401);
/**
 * True for 400 / BadRequest. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isBadRequest(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isBadRequest = is(StatusReason.BadRequest, 400);
/**
 * True for 405 / MethodNotAllowed. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isMethodNotSupported(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isMethodNotSupported = is(StatusReason.MethodNotAllowed, 405);
/**
 * True for 406 / NotAcceptable. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isNotAcceptable(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isNotAcceptable = is(StatusReason.NotAcceptable, 406);
/**
 * True for 415 / UnsupportedMediaType. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isUnsupportedMediaType(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isUnsupportedMediaType = is(StatusReason.UnsupportedMediaType, 415);
/**
 * True for reason RequestEntityTooLarge or HTTP 413 (whatever the reason, as client-go). Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isRequestEntityTooLarge(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isRequestEntityTooLarge: StatusErrorPredicate = (err: unknown): err is StatusError =>
  reasonForError(err) === StatusReason.RequestEntityTooLarge || codeOf(err) === 413;
/**
 * True for 500 / InternalError. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isInternalError(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isInternalError = is(StatusReason.InternalError, 500);
/**
 * True for 503 / ServiceUnavailable. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isServiceUnavailable(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isServiceUnavailable = is(StatusReason.ServiceUnavailable, 503);
/**
 * True for 504 / Timeout. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isTimeout(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isTimeout = is(StatusReason.Timeout, 504);
/**
 * True for reason ServerTimeout. Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isServerTimeout(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isServerTimeout: StatusErrorPredicate = (err: unknown): err is StatusError =>
  reasonForError(err) === StatusReason.ServerTimeout;
/**
 * True for reason TooManyRequests or HTTP 429 (whatever the reason, as client-go). Narrows `err` to a StatusError when true.
 *
 * @example
 * if (isTooManyRequests(err)) console.log(err.code, err.reason, err.status.message);
 */
export const isTooManyRequests: StatusErrorPredicate = (err: unknown): err is StatusError =>
  reasonForError(err) === StatusReason.TooManyRequests || codeOf(err) === 429;

/**
 * True when the error's Status lists a cause of this type (client-go's HasStatusCause).
 *
 * @example
 * if (hasStatusCause(err, 'NamespaceTerminating')) return; // the namespace is going away
 */
export function hasStatusCause(err: StatusError, causeType: string): boolean;
export function hasStatusCause(err: unknown, causeType: string): err is StatusError;
export function hasStatusCause(err: unknown, causeType: string): boolean {
  return err instanceof StatusError && (err.status.details?.causes ?? []).some((c) => c.reason === causeType);
}

/**
 * Seconds the server asked the client to wait before retrying (details.retryAfterSeconds when
 * positive; for reason ServerTimeout with details, that value or 0), or undefined when the error
 * suggests no delay (client-go's SuggestsClientDelay).
 *
 * @example
 * const wait = suggestsClientDelay(err); // 1 for a 429 with Retry-After: 1
 */
export function suggestsClientDelay(err: unknown): number | undefined {
  if (!(err instanceof StatusError)) return undefined;
  const details = err.status.details;
  if (!details) return undefined;
  if (err.reason === StatusReason.ServerTimeout) return details.retryAfterSeconds ?? 0;
  const seconds = details.retryAfterSeconds;
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}
