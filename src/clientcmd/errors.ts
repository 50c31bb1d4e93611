// Typed errors of kubeconfig loading: which file and which field is wrong, never a credential value.

/**
 * A kubeconfig is malformed or incomplete.
 *
 * @example
 * catch (e) { if (e instanceof KubeconfigError) console.error(e.file, e.field, e.message); }
 */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  constructor(
    message: string,
    /** The file at fault ('' when the problem is in the merged result). */
    readonly file: string,
    /** The field at fault, e.g. `users[0].user.client-key-data`. */
    readonly field?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}

/** inClusterConfig() was called outside a pod (no KUBERNETES_SERVICE_HOST/PORT or token). */
export class NotInClusterError extends Error {
  override readonly name = 'NotInClusterError';
}
