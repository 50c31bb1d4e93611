// Typed errors of the envtest layer: what could not be provisioned or started, and what to do about it.

/**
 * A binary (etcd or kube-apiserver) is missing and cannot be provisioned on this machine.
 * The message says what is missing and how to provide it.
 *
 * @example
 * try { await startControlPlane(); } catch (e) { if (e instanceof ProvisioningError) console.error(e.message); }
 */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/**
 * etcd or kube-apiserver was found but did not come up (exited early or never became ready).
 * `logTail` holds the last lines the process printed.
 */
export class ControlPlaneStartError extends Error {
  override readonly name = 'ControlPlaneStartError';
  constructor(
    message: string,
    /** The last lines of the failing process's log. */
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- last log lines ---\n${logTail}` : message);
  }
}
