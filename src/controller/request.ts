// What a reconciler receives (the name of one primary object) and what it returns (done, requeue
// with backoff, or requeue after a delay), as controller-runtime's reconcile.Request and Result.

/**
 * The object to reconcile: its namespace ('' for cluster-scoped objects) and name. The reconciler
 * reads the object itself (from the cache) since it may be gone by now.
 *
 * @example
 * const req: Request = { namespace: 'default', name: 'example-foo' };
 */
export interface Request {
  namespace: string;
  name: string;
}

/**
 * What a reconcile asks for next: nothing (no value, {@link done}), another try with the
 * queue's backoff ({@link requeue}), or another run after `requeueAfterMs` ({@link requeueAfter}).
 *
 * @example
 * return requeueAfter(30_000); // check again in 30 s
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a reconcile may end without returning anything
export type Result = void | { requeue?: boolean; requeueAfterMs?: number };

/**
 * A reconcile function: brings the world in line with one object. The signal aborts when the
 * controller stops without time left to finish (leadership lost, or shutdown past its grace
 * period). Thrown values (Errors or anything else) requeue the request with backoff.
 *
 * @example
 * const reconcile: Reconciler = async (req, signal) => { const foo = await foos.get(req); if (!foo) return done(); ... };
 */
export type Reconciler = (request: Request, signal: AbortSignal) => Promise<Result> | Result;

/**
 * Nothing more to do.
 *
 * @example
 * if (!foo) return done();
 */
export function done(): Result {
  return undefined;
}

/**
 * Try again, with the controller's rate limiter (exponential per-item backoff).
 *
 * @example
 * if (!ready) return requeue();
 */
export function requeue(): Result {
  return { requeue: true };
}

/**
 * Run again after `ms` milliseconds (the backoff of the request is forgotten).
 *
 * @example
 * return requeueAfter(60_000);
 */
export function requeueAfter(ms: number): Result {
  return { requeueAfterMs: ms };
}

/** `namespace/name`, or `name` for cluster-scoped objects: the work queue key of a request. */
export function requestKey(r: Request): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** The request of a work queue key (see {@link requestKey}). */
export function requestOfKey(key: string): Request {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
