// Key material for a control plane, made with the openssl CLI: the service-account signing key,
// a client CA and an admin client certificate (O=system:masters), plus random bearer tokens.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      f('admin.csr'),
      '-CA',
      f('client-ca.crt'),
      '-CAkey',
      f('client-ca.key'),
      '-CAcreateserial',
      '-days',
      '3650',
      '-out',
      f('admin.crt'),
    ],
    'signing the admin client certificate',
  );
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
