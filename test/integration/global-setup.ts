// Starts the one real control plane shared by every integration test file of a run, and stops it
// (processes killed, temp dirs removed) when the run ends, also when tests fail.
import type { TestProject } from 'vitest/node';
import { type ControlPlane, startControlPlane } from '../../src/envtest/index.js';
import type { ControlPlaneInfo } from '../support/control-plane.js';

let cp: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  cp = await startControlPlane({ log: (line) => process.stderr.write(`${line}\n`) });
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
  };
  project.provide('controlPlane', info);
}

export async function teardown(): Promise<void> {
  await cp?.stop();
}
