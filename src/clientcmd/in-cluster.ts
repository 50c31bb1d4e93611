// The config of a program running in a pod: the service-account token (re-read as it rotates),
// its CA, and the API service address from KUBERNETES_SERVICE_HOST/PORT.
import { existsSync } from 'node:fs';
import type { Config } from '../rest/config.js';
import { NotInClusterError } from './errors.js';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * client-go's InClusterConfig.
 *
 * @example
 * const config = inClusterConfig(); // throws NotInClusterError outside a pod
 */
export function inClusterConfig(
  options: { env?: NodeJS.ProcessEnv; tokenFile?: string; caFile?: string } = {},
): Config {
  const env = options.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new NotInClusterError(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  }
  const tokenFile = options.tokenFile ?? `${SA_DIR}/token`;
  if (!existsSync(tokenFile))
    throw new NotInClusterError(`unable to load in-cluster configuration: no service-account token at ${tokenFile}`);
  const caFile = options.caFile ?? `${SA_DIR}/ca.crt`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    host: `https://${hostPart}:${port}`,
    bearerTokenFile: tokenFile,
    tls: existsSync(caFile) ? { caFile } : {},
  };
}
