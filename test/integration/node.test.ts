// The integration cluster is real: its node (kubelet on containerd, with kube-scheduler and
// kube-controller-manager) runs Deployments to Available, kubectl (the reference client) reads
// their logs and execs into them, the garbage collector deletes dependents of a deleted owner, and
// the Node's status and capacity are readable through the typed clientset.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { type apps_v1, Clientset } from '../../src/kubernetes/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const run = promisify(execFile);

/** Polls `check` until it returns a value other than undefined (room for a loaded 2-core machine). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function kubectl(ns: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('kubectl', ['--kubeconfig', controlPlane.kubeconfigPath, '-n', ns, ...args], { timeout: 60_000 });
}

const busyboxDeployment = (name: string, replicas: number): apps_v1.Deployment => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'main',
            image: controlPlane.node.images.busybox,
            imagePullPolicy: 'Never',
            command: ['sh', '-c', 'echo "started $(hostname)"; echo "line two"; exec sleep 3600'],
          },
        ],
      },
    },
  },
});

describe('the real node', () => {
  let ns: string;
  let cs: Clientset;
  beforeAll(async () => {
    ns = await createTestNamespace('node');
    cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
  });

  it('is a Ready Node whose status and capacity the typed clientset reads', async () => {
    const node = await cs.coreV1.nodes.get(controlPlane.node.name);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.20.2');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThanOrEqual(1);
    expect(node.status?.capacity?.memory).toMatch(/^\d+Ki$/);
    expect(Number(node.status?.allocatable?.pods)).toBeGreaterThan(0);
    expect(node.status?.addresses).toContainEqual({ type: 'Hostname', address: 'localhost' });
  });

  it('runs a Deployment of 2 busybox replicas to Available; kubectl logs and exec work on its Pods', async () => {
    await cs.appsV1.deployments(ns).create(busyboxDeployment('web', 2));
    const available = await eventually('the Deployment to be Available', async () => {
      const d = await cs.appsV1.deployments(ns).get('web');
      return d.status?.availableReplicas === 2 ? d : undefined;
    });
    expect(available.status?.readyReplicas).toBe(2);

    const pods = (await cs.coreV1.pods(ns).list({ labelSelector: 'app=web' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toBe(controlPlane.node.name);
      expect(pod.status?.podIP).toMatch(/^10\.200\.\d+\.\d+$/);
      const name = pod.metadata!.name!;
      const logs = await eventually('the Pod to log', async () => {
        const { stdout } = await kubectl(ns, 'logs', name);
        return stdout.includes('line two') ? stdout : undefined;
      });
      expect(logs).toBe(`started ${name}\nline two\n`);
      expect(await cs.coreV1.pods(ns).getLog(name)).toBe(logs);
    }

    const target = pods[0]!.metadata!.name!;
    const failed = await kubectl(ns, 'exec', target, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3').catch(
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    expect(failed).toMatchObject({ code: 3, stdout: 'out\n' });
    expect((failed as { stderr: string }).stderr).toContain('err\n');
    const { stdout } = await kubectl(ns, 'exec', target, '--', 'cat', '/etc/hostname');
    expect(stdout.trim()).toBe(target);
  });

  it('garbage-collects dependents when their owner is deleted', async () => {
    await cs.appsV1.deployments(ns).create(busyboxDeployment('gc', 1));
    const rs = await eventually('the ReplicaSet and its Pod', async () => {
      const sets = (await cs.appsV1.replicaSets(ns).list({ labelSelector: 'app=gc' })).items;
      const pods = (await cs.coreV1.pods(ns).list({ labelSelector: 'app=gc' })).items;
      return sets.length === 1 && pods.length === 1 ? sets[0] : undefined;
    });
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'gc', controller: true });

    // A plain owner/dependent pair too: only the garbage collector removes the dependent.
    const owner = await cs.coreV1.configMaps(ns).create({ metadata: { name: 'owner' } });
    await cs.coreV1.configMaps(ns).create({
      metadata: {
        name: 'dependent',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
      },
    });

    await cs.appsV1.deployments(ns).delete('gc', { propagationPolicy: 'Background' });
    await cs.coreV1.configMaps(ns).delete('owner');
    await eventually('the dependents to be collected', async () => {
      const sets = (await cs.appsV1.replicaSets(ns).list({ labelSelector: 'app=gc' })).items;
      const pods = (await cs.coreV1.pods(ns).list({ labelSelector: 'app=gc' })).items;
      const dependent = await cs.coreV1
        .configMaps(ns)
        .get('dependent')
        .catch((e: unknown) => e);
      return sets.length === 0 && pods.length === 0 && isNotFound(dependent) ? true : undefined;
    });
  });
});
