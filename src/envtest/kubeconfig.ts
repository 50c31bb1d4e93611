// The kubeconfig envtest writes: one cluster, three users (admin by token, admin by client
// certificate, unprivileged by token) and a context for each.
import { stringify } from 'yaml';
import { ADMIN_CERT_USER, ADMIN_TOKEN_USER, type ControlPlaneCredentials, UNPRIVILEGED_USER } from './certs.js';

/** Context names in the kubeconfig envtest writes. */
export const ENVTEST_CONTEXTS = {
  /** Admin by bearer token (group system:masters); the current context. */
  admin: 'envtest',
  /** Admin by client certificate (O=system:masters). */
  adminCert: 'envtest-cert',
  /** Unprivileged user by bearer token. */
  user: 'envtest-user',
} as const;

/** The kubeconfig file as a plain object (the shape kubectl reads). */
export interface KubeconfigFile {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Array<{ name: string; cluster: Record<string, string> }>;
  users: Array<{ name: string; user: Record<string, string> }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  'current-context': string;
  preferences: Record<string, never>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Builds the kubeconfig object for a control plane at `url` whose serving CA is `caPem`.
 *
 * @example
 * const yamlText = kubeconfigYaml(buildKubeconfig('https://127.0.0.1:6443', caPem, creds));
 */
export function buildKubeconfig(url: string, caPem: string, creds: ControlPlaneCredentials): KubeconfigFile {
  const cluster = 'envtest';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: url, 'certificate-authority-data': b64(caPem) } }],
    users: [
      { name: ADMIN_TOKEN_USER, user: { token: creds.adminToken } },
      {
        name: ADMIN_CERT_USER,
        user: { 'client-certificate-data': b64(creds.clientCertData), 'client-key-data': b64(creds.clientKeyData) },
      },
      { name: UNPRIVILEGED_USER, user: { token: creds.userToken } },
    ],
    contexts: [
      { name: ENVTEST_CONTEXTS.admin, context: { cluster, user: ADMIN_TOKEN_USER, namespace: 'default' } },
      { name: ENVTEST_CONTEXTS.adminCert, context: { cluster, user: ADMIN_CERT_USER, namespace: 'default' } },
      { name: ENVTEST_CONTEXTS.user, context: { cluster, user: UNPRIVILEGED_USER, namespace: 'default' } },
    ],
    'current-context': ENVTEST_CONTEXTS.admin,
    preferences: {},
  };
}

/** Serializes a kubeconfig object as YAML. */
export function kubeconfigYaml(config: KubeconfigFile): string {
  return stringify(config);
}
