// Typed errors of the controller toolkit.

/**
 * A controller or manager was used in a way it cannot honour (built twice, started twice, a
 * builder without a primary resource, ...).
 *
 * @example
 * try { mgr.controller('foo').complete(reconcile); } catch (err) { if (err instanceof ControllerError) console.error(err.message); }
 */
export class ControllerError extends Error {
  override readonly name = 'ControllerError';
}

/**
 * An owner reference cannot be made: the owner has no apiVersion/kind (objects read from lists and
 * caches often lack them: pass them explicitly), no name or uid, or the object already has another
 * controller.
 *
 * @example
 * try { setControllerReference(foo, deployment); } catch (err) { if (err instanceof OwnerReferenceError) ... }
 */
export class OwnerReferenceError extends Error {
  override readonly name = 'OwnerReferenceError';
}

/**
 * The manager lost leadership while running: its controllers were stopped (as controller-runtime
 * exits the process, restart to compete again).
 *
 * @example
 * await mgr.start(signal).catch((err) => { if (err instanceof LeadershipLostError) process.exit(1); throw err; });
 */
export class LeadershipLostError extends Error {
  override readonly name = 'LeadershipLostError';
}

/** Turns anything thrown into an Error (reconcilers and map functions may throw strings or objects). */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    text = String(thrown);
  }
  return new Error(`non-Error value thrown: ${text}`);
}
