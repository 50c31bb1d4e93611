// npm run start:toolkit: the toolkit sample controller against a local control plane (or the
// cluster of $KUBECONFIG). It installs the Foo CRD, creates example-foo, and reconciles until
// Ctrl-C; a second copy with KUBECONFIG set to the same cluster waits as a standby.
import { loadKubeConfig } from 'kube-client/clientcmd';
import { LeadershipLostError, Manager } from 'kube-client/controller';
import { startControlPlane } from 'kube-client/envtest';
import { addFooController } from './controller.js';
import { Clientset } from './generated/index.js';
import { installCrd } from './install.js';

const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function main(): Promise<void> {
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.once('SIGTERM', () => ac.abort());
  const cp = process.env.KUBECONFIG ? undefined : await startControlPlane({ log });
  try {
    const config = cp ? cp.config : loadKubeConfig().config;
    if (cp) log(`local control plane: kubectl --kubeconfig ${cp.kubeconfigPath} get foos,deployments,events`);
    const mgr = await Manager.create({
      config,
      log,
      leaderElection: { name: 'foo-controller-toolkit', namespace: 'default' },
      probePort: Number(process.env.PROBE_PORT ?? 0),
    });
    await installCrd(mgr.clientset, 'examples/sample-controller/crd.yaml', ac.signal);
    const controller = addFooController(mgr, 'default');
    await Clientset.forConfig(config)
      .samplecontrollerV1alpha1.foos('default')
      .create({ metadata: { name: 'example-foo' }, spec: { deploymentName: 'example-foo', replicas: 1 } })
      .catch(() => undefined); // exists already (a second run)
    log('running (Ctrl-C stops); PROBE_PORT sets the /metrics, /healthz and /readyz port');
    await mgr.start(ac.signal);
    log(`stopped after ${controller.stats.reconciles} reconciles (${controller.stats.errors} errors, retried)`);
  } finally {
    await cp?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sample controller (toolkit) failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof LeadershipLostError ? 2 : 1);
});
