// Key material for a control plane, made with the openssl CLI: the service-account signing key,
// a client CA and an admin client certificate (O=system:masters), plus random bearer tokens.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisioningError } from './errors.js';
import { runCommand, which } from './run-command.js';

/** Files and PEM contents of the credentials of one control plane. */
export interface ControlPlaneCredentials {
  serviceAccountKeyFile: string;
  clientCaFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientCertData: string;
  clientKeyData: string;
  adminToken: string;
  userToken: string;
}

/** Name of the admin user authenticated by token (group system:masters). */
export const ADMIN_TOKEN_USER = 'envtest-admin';
/** Name of the admin user authenticated by client certificate (O=system:masters). */
export const ADMIN_CERT_USER = 'envtest-admin-cert';
/** Name of the unprivileged user (group envtest-users, no RBAC bindings). */
export const UNPRIVILEGED_USER = 'envtest-user';

/**
 * Creates all credentials of a control plane inside `dir`.
 *
 * @example
 * const creds = await createCredentials('/tmp/cp');
 */
export async function createCredentials(dir: string): Promise<ControlPlaneCredentials> {
  if (!(await which('openssl'))) {
    throw new ProvisioningError('openssl was not found on PATH; install it (Debian: apt-get install openssl).');
  }
  const f = (name: string) => join(dir, name);
  const openssl = (args: string[], what: string) => runCommand('openssl', args, { cwd: dir, what });
  await Promise.all([
    openssl(['genrsa', '-out', f('sa.key'), '2048'], 'creating the service-account key'),
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '3650',
        '-keyout',
        f('client-ca.key'),
        '-out',
        f('client-ca.crt'),
        '-subj',
        '/CN=kube-client-envtest-client-ca',
      ],
      'creating the client CA',
    ),
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f('admin.key'),
        '-out',
        f('admin.csr'),
        '-subj',
        `/O=system:masters/CN=${ADMIN_CERT_USER}`,
      ],
      'creating the admin client key',
    ),
  ]);
  await signWithCa(dir, 'admin', 'signing the admin client certificate');
  return {
    serviceAccountKeyFile: f('sa.key'),
    clientCaFile: f('client-ca.crt'),
    clientCertFile: f('admin.crt'),
    clientKeyFile: f('admin.key'),
    clientCertData: await readFile(f('admin.crt'), 'utf8'),
    clientKeyData: await readFile(f('admin.key'), 'utf8'),
    adminToken: randomBytes(24).toString('hex'),
    userToken: randomBytes(24).toString('hex'),
  };
}

/**
 * Signs `<dir>/<base>.csr` with the cluster CA (`client-ca.crt` / `client-ca.key` in `dir`) into
 * `<dir>/<base>.crt`, valid for ten years, with the X.509 extensions of `extfile` when given.
 */
async function signWithCa(dir: string, base: string, what: string, extfile?: string): Promise<void> {
  const f = (name: string) => join(dir, name);
  await runCommand(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      f(`${base}.csr`),
      '-CA',
      f('client-ca.crt'),
      '-CAkey',
      f('client-ca.key'),
      '-CAcreateserial',
      '-days',
      '3650',
      ...(extfile ? ['-extfile', extfile] : []),
      '-out',
      f(`${base}.crt`),
    ],
    { cwd: dir, what },
  );
}

/**
 * The CSV of kube-apiserver's --token-auth-file: `token,user,uid,"group1,group2"`.
 *
 * @example
 * tokenAuthFile(creds); // 'abc...,envtest-admin,envtest-admin-uid,"system:masters"\n...'
 */
export function tokenAuthFile(creds: Pick<ControlPlaneCredentials, 'adminToken' | 'userToken'>): string {
  return (
    `${creds.adminToken},${ADMIN_TOKEN_USER},${ADMIN_TOKEN_USER}-uid,"system:masters"\n` +
    `${creds.userToken},${UNPRIVILEGED_USER},${UNPRIVILEGED_USER}-uid,"envtest-users"\n`
  );
}

/** Files of the certificates a node (kubelet) and the apiserver use to reach each other. */
export interface NodeCredentials {
  /** kubelet's client certificate and key (CN=system:node:<name>, O=system:nodes). */
  kubeletClientCertFile: string;
  kubeletClientKeyFile: string;
  /** kubelet's serving certificate and key (SAN localhost, 127.0.0.1), signed by the cluster CA. */
  kubeletServingCertFile: string;
  kubeletServingKeyFile: string;
  /** The apiserver's client certificate for the kubelet (O=system:masters). */
  apiserverKubeletClientCertFile: string;
  apiserverKubeletClientKeyFile: string;
}

/**
 * Creates, inside `dir`, the certificates of a node named `nodeName`, all signed by the control
 * plane's CA (`client-ca.crt` / `client-ca.key` from {@link createCredentials}), which therefore
 * is the one CA of the cluster: clients, the kubelet's serving certificate and the apiserver's
 * certificate for the kubelet.
 *
 * @example
 * const nodeCreds = await createNodeCredentials(dir, 'localhost');
 */
export async function createNodeCredentials(dir: string, nodeName: string): Promise<NodeCredentials> {
  const f = (name: string) => join(dir, name);
  const openssl = (args: string[], what: string) => runCommand('openssl', args, { cwd: dir, what });
  const issue = async (base: string, subject: string, extensions: string, what: string) => {
    await openssl(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${base}.key`), '-out', f(`${base}.csr`), '-subj', subject],
      `creating the ${what} key`,
    );
    await writeFile(f(`${base}.ext`), extensions);
    await signWithCa(dir, base, `signing the ${what} certificate`, f(`${base}.ext`));
  };
  const client = 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
  // Sequential: the CA serial file is shared.
  await issue('kubelet-client', `/O=system:nodes/CN=system:node:${nodeName}`, client, 'kubelet client');
  await issue(
    'kubelet-serving',
    `/CN=${nodeName}`,
    'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
      `subjectAltName=DNS:${nodeName},DNS:localhost,IP:127.0.0.1\n`,
    'kubelet serving',
  );
  await issue('apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', client, 'apiserver');
  return {
    kubeletClientCertFile: f('kubelet-client.crt'),
    kubeletClientKeyFile: f('kubelet-client.key'),
    kubeletServingCertFile: f('kubelet-serving.crt'),
    kubeletServingKeyFile: f('kubelet-serving.key'),
    apiserverKubeletClientCertFile: f('apiserver-kubelet-client.crt'),
    apiserverKubeletClientKeyFile: f('apiserver-kubelet-client.key'),
  };
}
