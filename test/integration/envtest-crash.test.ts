// A node-enabled cluster whose owner process is killed with SIGKILL (no clean-up can run) leaves
// processes, containers, mounts, a bridge and key folders behind; the next start reaps them all.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { killProcessesMatching, mountsUnder, processCommandLine } from '../../src/envtest/host.js';
import { reapOrphanedRuns } from '../../src/envtest/runs.js';

const OWNER = `
import('./dist/esm/envtest/index.js')
  .then((m) => m.startControlPlane({ node: true, log: () => {} }))
  .then(async (cp) => {
    const { Clientset } = await import('./dist/esm/kubernetes/index.js');
    await Clientset.forConfig(cp.config).coreV1.pods('default').create({
      metadata: { name: 'left-behind' },
      spec: { containers: [{ name: 'c', image: cp.node.images.busybox, imagePullPolicy: 'Never', command: ['sleep', '4242'] }] },
    });
    console.log('UP ' + JSON.stringify({ dir: cp.kubeconfigPath.replace(/\\/kubeconfig$/, ''), etcd: cp.server.etcdUrl }));
  });
setInterval(() => {}, 1000);
`;

function pidsNaming(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (processCommandLine(Number(entry))?.includes(needle)) out.push(Number(entry));
  }
  return out;
}

describe('envtest after a crash', () => {
  it('reaps a killed owner’s node: processes, containers, mounts, bridge and folders', async () => {
    expect(existsSync('dist/esm/envtest/index.js'), 'run "npm run build" first (npm test does)').toBe(true);
    const owner = spawn(process.execPath, ['--input-type=module', '-e', OWNER], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    owner.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    owner.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let dir = '';
    try {
      const deadline = Date.now() + 240_000;
      while (!out.includes('UP ') && Date.now() < deadline && owner.exitCode === null) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(out, err).toContain('UP ');
      dir = (JSON.parse(out.slice(out.indexOf('UP ') + 3).split('\n')[0]!) as { dir: string }).dir;
      // Wait until the Pod's container runs, so there is a container, a sandbox and a netns to reap.
      const runcDeadline = Date.now() + 120_000;
      while (Date.now() < runcDeadline && pidsNaming('sleep 4242').length === 0) {
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(pidsNaming('sleep 4242')).toHaveLength(1);
      expect(mountsUnder([dir]).some((m) => m.includes('netns'))).toBe(true);
      const record = JSON.parse(
        readFileSync(`${tmpdir()}/kube-client-envtest-runs/${dir.split('/').pop()}.json`, 'utf8'),
      ) as { node: { bridge: string } };
      expect(mountsUnder([dir]).length).toBeGreaterThan(0);
      expect(pidsNaming(dir).length).toBeGreaterThanOrEqual(5); // etcd, apiserver, containerd, kubelet, ...
      const bridge = record.node.bridge;
      expect(existsSync(`/sys/class/net/${bridge}`)).toBe(true);

      owner.kill('SIGKILL');
      await new Promise((r) => owner.once('exit', r));
      expect(pidsNaming(dir).length).toBeGreaterThan(0); // orphans: nobody cleaned up

      expect(reapOrphanedRuns()).toBeGreaterThanOrEqual(1);
      expect(pidsNaming(dir)).toEqual([]);
      expect(pidsNaming('sleep 4242')).toEqual([]);
      expect(mountsUnder([dir])).toEqual([]);
      expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    } finally {
      owner.kill('SIGKILL');
      if (dir) killProcessesMatching([dir]);
    }
  }, 420_000);
});
