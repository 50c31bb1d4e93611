// The shared control plane is real: version, authentication by token and by client certificate,
// RBAC for the unprivileged user, and kubectl working against the kubeconfig envtest wrote.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { controlPlane } from '../support/control-plane.js';

const run = promisify(execFile);

async function get(path: string, auth: { token?: string; cert?: boolean }) {
  const dispatcher = new Agent({
    connect: {
      ca: controlPlane.caData,
      ...(auth.cert ? { cert: controlPlane.clientCertData, key: controlPlane.clientKeyData } : {}),
    },
  });
  try {
    const res = await request(`${controlPlane.url}${path}`, {
      dispatcher,
      headers: auth.token ? { authorization: `Bearer ${auth.token}` } : {},
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  } finally {
    await dispatcher.close();
  }
}

describe('envtest control plane', () => {
  it('serves /version as v1.20.2', async () => {
    const res = await get('/version', { token: controlPlane.adminToken });
    expect(res.status).toBe(200);
    expect(res.body.gitVersion).toBe('v1.20.2');
    expect(controlPlane.version).toBe('v1.20.2');
  });

  it.each([
    ['admin token', { token: controlPlane.adminToken }, 200],
    ['admin client certificate', { cert: true }, 200],
    ['unprivileged token', { token: controlPlane.userToken }, 403],
    ['unknown token', { token: 'not-a-valid-token' }, 401],
  ])('lists secrets cluster-wide with the %s: HTTP %i', async (_label, auth, status) => {
    const res = await get('/api/v1/secrets', auth);
    expect(res.status).toBe(status);
    if (status === 403) {
      expect(res.body.reason).toBe('Forbidden');
      expect(String(res.body.message)).toContain(`User "${controlPlane.userName}" cannot list resource "secrets"`);
    }
  });

  it.each(['envtest', 'envtest-cert'])('works with kubectl get ns (context %s)', async (context) => {
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      '--context',
      context,
      'get',
      'ns',
      '-o',
      'name',
    ]);
    expect(stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system']));
  });

  it('gives the unprivileged kubectl context a Forbidden error', async () => {
    const result = await run('kubectl', [
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      '--context',
      'envtest-user',
      'get',
      'secrets',
      '-A',
    ]).catch((err: { stderr: string; code: number }) => err);
    expect('code' in result && result.code).toBe(1);
    expect('stderr' in result && result.stderr).toContain('forbidden');
  });
});
