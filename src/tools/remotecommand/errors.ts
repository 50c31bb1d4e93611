// The typed error of a command that ran and exited with a non-zero code (client-go's
// k8s.io/utils/exec CodeExitError, which kubectl turns into its own exit code).

/**
 * The remote command exited with a non-zero code (the NonZeroExitCode Status on the error
 * channel). Refusals (missing pod or container, forbidden) are StatusErrors instead.
 *
 * @example
 * try { await exec(config, { namespace: 'ns', pod: 'p', command: ['false'] }); }
 * catch (e) { if (e instanceof CodeExitError) console.log('exit code', e.exitCode); }
 */
export class CodeExitError extends Error {
  override readonly name = 'CodeExitError';
  constructor(
    /** The command's exit code (1-255). */
    readonly exitCode: number,
    message = `command terminated with exit code ${exitCode}`,
  ) {
    super(message);
  }
}
