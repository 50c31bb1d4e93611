// npm start: the sample controller end to end. It starts a local cluster with a real node (or uses
// the cluster of $KUBECONFIG), installs the Foo CRD, runs the controller, creates a few Foos, plays a
// short scenario (scale, delete a Deployment, a name conflict that is retried with backoff, delete
// a Foo and watch the garbage collector remove its Deployment and Pods) and shows it all live
// until Ctrl-C, then shuts down gracefully.
import { hostname } from 'node:os';
import { PatchType } from 'kube-client/apimachinery';
import { loadKubeConfig } from 'kube-client/clientcmd';
import { type ControlPlane, nodeUnsupportedReason, startControlPlane } from 'kube-client/envtest';
import { type apps_v1, Clientset } from 'kube-client/kubernetes';
import type { Config } from 'kube-client/rest';
import { LeaderElector, LeaseLock } from 'kube-client/tools/leaderelection';
import { newBroadcaster, sinkForClientset } from 'kube-client/tools/record';
import { type Foo, FOO_API_VERSION, FooController, NGINX_CONTAINER, type WorkloadContainer } from './controller.js';
import { Dashboard } from './dashboard.js';
import { Clientset as FooClientset } from './generated/index.js';
import { installFooCrd } from './install.js';

const NAMESPACE = 'default';
const WORKERS = 2;

interface Connection {
  config: Config;
  cp?: ControlPlane;
  where: string;
  /** What the Foos' Deployments run: the node's local busybox serving HTTP, or nginx elsewhere. */
  container: WorkloadContainer;
}

async function connect(dash: Dashboard): Promise<Connection> {
  if (process.env.KUBECONFIG) {
    const loaded = loadKubeConfig();
    return {
      config: loaded.config,
      where: `cluster of KUBECONFIG (context ${loaded.context})`,
      container: NGINX_CONTAINER,
    };
  }
  const noNode = await nodeUnsupportedReason();
  if (noNode) dash.log(`no node on this machine (${noNode}): Deployments will get no Pods`);
  dash.log(`starting a local cluster (etcd + kube-apiserver v1.20.2${noNode ? '' : ' + a node'})...`);
  const cp = await startControlPlane({ node: !noNode, log: (l) => dash.log(l) });
  const container: WorkloadContainer = cp.node
    ? { name: 'web', image: cp.node.images.busybox, imagePullPolicy: 'Never', command: ['httpd', '-f', '-p', '8080'] }
    : NGINX_CONTAINER;
  return {
    config: cp.config,
    cp,
    container,
    where: `local cluster ${cp.server.url}${cp.node ? ` with node ${cp.node.name}` : ''} (kubeconfig ${cp.kubeconfigPath})`,
  };
}

function foo(name: string, deploymentName: string, replicas: number): Foo {
  return {
    apiVersion: FOO_API_VERSION,
    kind: 'Foo',
    metadata: { name, namespace: NAMESPACE },
    spec: { deploymentName, replicas },
  };
}

async function scenario(
  config: Config,
  dash: Dashboard,
  signal: AbortSignal,
  container: WorkloadContainer,
): Promise<void> {
  const cs = Clientset.forConfig(config);
  const pods = cs.coreV1.pods(NAMESPACE);
  const foos = FooClientset.forConfig(config).samplecontrollerV1alpha1.foos(NAMESPACE);
  const deployments = cs.appsV1.deployments(NAMESPACE);
  const pause = (s: number) => new Promise<void>((r) => (signal.aborted ? r() : setTimeout(r, s * 1000).unref()));
  const step = async (what: string, fn: () => Promise<unknown>) => {
    if (signal.aborted) return;
    dash.log(`scenario: ${what}`);
    await fn().catch((err: Error) => dash.log(`scenario step failed: ${err.message}`));
  };
  for (const [n, r] of [
    ['example-foo-1', 1],
    ['example-foo-2', 2],
    ['example-foo-3', 3],
  ] as const) {
    await step(`create Foo ${n} (replicas ${r})`, () =>
      foos.create(foo(n, `${n}-deployment`, r)).catch(() => undefined),
    );
  }
  await pause(5);
  await step('scale example-foo-2 to 4 replicas', () =>
    foos.patch('example-foo-2', PatchType.Merge, { spec: { replicas: 4 } }),
  );
  await pause(5);
  await step('delete Deployment example-foo-1-deployment (the controller recreates it)', () =>
    deployments.delete('example-foo-1-deployment'),
  );
  await pause(5);
  await step(
    'create an unowned Deployment "taken", then Foo conflicting-foo that wants that name (retried with backoff)',
    async () => {
      const d: apps_v1.Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'taken', namespace: NAMESPACE },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'taken' } },
          template: { metadata: { labels: { app: 'taken' } }, spec: { containers: [container] } },
        },
      };
      await deployments.create(d).catch(() => undefined);
      await foos.create(foo('conflicting-foo', 'taken', 1)).catch(() => undefined);
    },
  );
  await pause(8);
  await step('delete the unowned Deployment "taken": the next retry succeeds', () => deployments.delete('taken'));
  await pause(3);
  await step('delete Foo example-foo-3: the garbage collector removes its Deployment and Pods', async () => {
    const started = Date.now();
    await foos.delete('example-foo-3');
    // The Deployment is owned by the Foo, its ReplicaSet by the Deployment, its Pods by the ReplicaSet.
    for (;;) {
      if (signal.aborted) return;
      const deployment = await deployments.get('example-foo-3-deployment').catch(() => undefined);
      const left = (await pods.list({ labelSelector: 'controller=example-foo-3' })).items.length;
      if (!deployment && left === 0) break;
      await pause(1);
    }
    dash.log(
      `scenario: garbage collector removed Deployment example-foo-3-deployment and its Pods in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  dash.log('scenario done: the controller keeps reconciling; try kubectl against it, Ctrl-C to stop');
}

async function main(): Promise<number> {
  const dash = new Dashboard(process.stdout);
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) process.exit(130);
    dash.log(`${sig} received: stopping (press Ctrl-C again to force)`);
    ac.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const { config, cp, where, container } = await connect(dash);
  dash.log(`connected to ${where}`);
  try {
    await installFooCrd(config, 'examples/sample-controller/crd.yaml', ac.signal);
    dash.log('Foo CRD installed (samplecontroller.k8s.io/v1alpha1)');
    // Events (kubectl get events) and leader election (a Lease in the default namespace).
    const cs = Clientset.forConfig(config);
    const broadcaster = newBroadcaster();
    broadcaster.startRecordingToSink(sinkForClientset(cs));
    const recorder = broadcaster.newRecorder({ component: 'foo-controller', host: hostname() });
    const identity = `${hostname()}-${process.pid}`;
    const controller = new FooController(config, {
      namespace: NAMESPACE,
      container,
      observer: {
        log: (l) => dash.log(l),
        synced: (f, d) =>
          dash.upsert({
            key: `${f.metadata?.namespace}/${f.metadata?.name}`,
            deploymentName: f.spec?.deploymentName ?? '',
            desired: f.spec?.replicas ?? 0,
            deploymentReplicas: d.spec?.replicas,
            available: d.status?.availableReplicas ?? 0,
            lastResult: 'synced',
            lastSync: new Date(),
          }),
        fooDeleted: (key) => dash.remove(key),
        reconciled: () => dash.reconciled(),
        syncFailed: (f, key, err, requeues) =>
          dash.upsert({
            key,
            deploymentName: f?.spec?.deploymentName ?? '',
            desired: f?.spec?.replicas ?? 0,
            lastResult: `retry #${requeues}: ${err.message.slice(0, 48)}`,
            lastSync: new Date(),
          }),
        event: (f, type, reason, message) => {
          recorder.event({ ...f, apiVersion: FOO_API_VERSION, kind: 'Foo' }, type, reason, message);
          if (type === 'Warning') dash.log(`event ${type} ${reason} on Foo ${f.metadata?.name}: ${message}`);
        },
      },
    });
    const elector = new LeaderElector({
      lock: new LeaseLock(cs.coordinationV1.leases(NAMESPACE), 'foo-controller', identity),
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: true,
      callbacks: {
        onStartedLeading: (leading) => {
          dash.log(`leader election: ${identity} is the leader; starting the controller`);
          return controller.run(WORKERS, leading);
        },
        onStoppedLeading: () => dash.log(`leader election: ${identity} stopped leading`),
        onNewLeader: (id) => dash.log(`leader election: current leader is ${id}`),
      },
    });
    const stats = () => ({
      queueDepth: controller.queue.len(),
      reconciles: controller.stats.reconciles,
      errors: controller.stats.errors,
      retries: controller.stats.retries,
      workers: controller.stats.workers,
      leader: elector.isLeader() ? `${identity} (this process)` : elector.getLeader() || 'electing...',
    });
    dash.start(stats);
    // Only the elected replica reconciles: start another `npm start` with KUBECONFIG pointing at
    // this control plane and it waits as a standby until this one stops.
    const running = elector.run(ac.signal);
    await scenario(config, dash, ac.signal, container);
    await running;
    await broadcaster.shutdown();
    dash.stop(stats());
    process.stdout.write(
      `\nStopped: controller drained after ${controller.stats.reconciles} reconciles (${controller.stats.errors} retried errors).\n`,
    );
  } finally {
    if (cp) {
      await cp.stop();
      process.stdout.write('Local control plane stopped and its temp dirs removed.\n');
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`sample controller failed: ${err.message}\n`);
    process.exit(1);
  },
);
