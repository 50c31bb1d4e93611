// Starts the one real cluster shared by every integration test file of a run (etcd, kube-apiserver
// and a real node: containerd, kubelet, kube-scheduler, kube-controller-manager), and stops it
// (processes and containers killed, mounts undone, temp dirs removed) when the run ends, also when
// tests fail.
import type { TestProject } from 'vitest/node';
import { type ControlPlane, ensureCommands, startControlPlane } from '../../src/envtest/index.js';
import type { ControlPlaneInfo } from '../support/control-plane.js';

let cp: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // The tools the integration tests spawn besides the cluster: kubectl (the reference client), ps.
  await ensureCommands(
    [
      ['kubectl', 'kubernetes-client'],
      ['ps', 'procps'],
    ],
    { log },
  );
  cp = await startControlPlane({ node: true, log });
  if (!cp.node) throw new Error('the integration cluster started without its node');
  const s = cp.server;
  const info: ControlPlaneInfo = {
    kubeconfigPath: cp.kubeconfigPath,
    url: s.url,
    host: s.host,
    port: s.port,
    caData: s.caData,
    caFile: s.caFile,
    adminToken: s.adminToken,
    userToken: s.userToken,
    userName: s.userName,
    clientCertData: s.clientCertData,
    clientKeyData: s.clientKeyData,
    clientCertFile: s.clientCertFile,
    clientKeyFile: s.clientKeyFile,
    etcdUrl: s.etcdUrl,
    version: s.version,
    node: { name: cp.node.name, images: { ...cp.node.images } },
  };
  project.provide('controlPlane', info);
}

export async function teardown(): Promise<void> {
  await cp?.stop();
}
