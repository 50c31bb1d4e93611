// Access to the one real control plane of an integration run (started by test/integration/global-setup.ts).
// Integration tests import `controlPlane` for connection facts and `createTestNamespace` for isolation.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { inject } from 'vitest';

/** Connection facts of the shared control plane (serializable; provided by the global setup). */
export interface ControlPlaneInfo {
  /** Path of the kubeconfig written by envtest (contexts: envtest, envtest-cert, envtest-user). */
  kubeconfigPath: string;
  /** `https://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  /** PEM of the CA that signed the serving certificate, and its file. */
  caData: string;
  caFile: string;
  /** Bearer token of `envtest-admin` (group system:masters). */
  adminToken: string;
  /** Bearer token of the unprivileged user `envtest-user`. */
  userToken: string;
  userName: string;
  /** PEM client certificate and key of `envtest-admin-cert` (O=system:masters), and their files. */
  clientCertData: string;
  clientKeyData: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** `http://127.0.0.1:<port>` of etcd (for compaction tests). */
  etcdUrl: string;
  /** Server version, e.g. `v1.20.2`. */
  version: string;
  /** The real node of the run (kubelet, containerd, scheduler, controller-manager): Pods run. */
  node: {
    /** The Node's name (`localhost`). */
    name: string;
    /** Local images; use them with `imagePullPolicy: 'Never'`. */
    images: { busybox: string; pause: string };
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
  }
}

/** The shared control plane of this integration run. */
export const controlPlane: ControlPlaneInfo = inject('controlPlane');

let agent: Agent | undefined;
function adminAgent(): Agent {
  agent ??= new Agent({ connect: { ca: controlPlane.caData } });
  return agent;
}

/** Sends one admin request to the control plane with undici directly (no kube-client code involved). */
export async function adminRequest(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: unknown }> {
  const res = await request(`${controlPlane.url}${path}`, {
    method,
    dispatcher: adminAgent(),
    headers: { authorization: `Bearer ${controlPlane.adminToken}`, 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, body: parsed };
}

/** Creates a namespace with a random suffix (e.g. `rest-x1y2z3`) and returns its name. */
export async function createTestNamespace(prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const res = await adminRequest('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  if (res.status !== 201) throw new Error(`creating namespace ${name} failed with HTTP ${res.status}`);
  return name;
}
