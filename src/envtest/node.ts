// envtest's node: containerd (with its CRI plugin, runc and CNI), kubelet registered as the Node
// `localhost`, kube-scheduler and kube-controller-manager, all on loopback and in folders of the
// control plane's own, so that Pods really run. Started after kube-apiserver is ready; returns
// once the Node is Ready.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { NodeCredentials } from './certs.js';
import { ControlPlaneStartError } from './errors.js';
import { type NodeResources, releaseNodeResources, systemPath } from './host.js';
import { LOCAL_IMAGES } from './images.js';
import { ManagedProcess } from './managed-process.js';
import { cniConflist, componentKubeconfig, containerdConfig, pickPodSubnet } from './node-config.js';
import { freePorts } from './ports.js';
import { runCommand } from './run-command.js';

/** The Node name kubelet registers (its Hostname address, which the apiserver dials first, stays on loopback). */
export const NODE_NAME = 'localhost';

/** Where image pulls are sent: a loopback port where nothing listens (the discard port). */
const NO_REGISTRY_PROXY = 'http://127.0.0.1:9';

/** Binaries and files a node needs (see `resolveNodeBinaries`). */
export interface NodeBinaries {
  kubelet: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  containerd: string;
  ctr: string;
  cniBinDir: string;
  /** Image archives of {@link LOCAL_IMAGES}. */
  pauseArchive: string;
  busyboxArchive: string;
}

/** What {@link startNode} needs from the control plane it joins. */
export interface NodeStartParams {
  /** The node's own folder (inside the control plane's temp folder). */
  dir: string;
  apiserverUrl: string;
  /** CA of kube-apiserver's serving certificate. */
  apiserverCaFile: string;
  /** The cluster CA (signs client, kubelet and CSR certificates) and its key. */
  clusterCaFile: string;
  clusterCaKeyFile: string;
  serviceAccountKeyFile: string;
  /** Admin client certificate (scheduler, controller-manager) and the admin token (readiness polls). */
  adminCertFile: string;
  adminKeyFile: string;
  adminToken: string;
  nodeCredentials: NodeCredentials;
  bins: NodeBinaries;
  log: (line: string) => void;
  /** Called with each started process's pid (for the run record). */
  onProcess: (pid: number | undefined) => void;
  /** Called once the node knows its machine resources (bridge name), before it creates any. */
  onResources: (resources: NodeResources) => void;
  timeoutMs: number;
}

/** A running node. */
export interface RunningNode {
  /** The Node's name (`localhost`). */
  name: string;
  /** Images the node has without a registry (use `imagePullPolicy: 'Never'`). */
  images: typeof LOCAL_IMAGES;
  /** The pod subnet, e.g. `10.200.17.0/24`. */
  podSubnet: string;
  /** Machine resources to release (for the run record). */
  resources: NodeResources;
  /** Log files of the node's processes. */
  logs: { containerd: string; kubelet: string; kubeScheduler: string; kubeControllerManager: string };
  /** Stops every process and container and releases mounts, network namespaces and the bridge. */
  stop(): Promise<void>;
  /** The same, at once and synchronously (exit handlers). */
  killNowSync(): void;
}

/**
 * Why this machine cannot run envtest's node, or undefined when it can: Linux, root, and the
 * cgroup v1 hierarchies kubelet 1.20 expects.
 *
 * @example
 * const why = await nodeUnsupportedReason();
 * if (why) console.log(`no node here: ${why}`);
 */
export async function nodeUnsupportedReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `containers need Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'running containers (kubelet, containerd, runc) needs root';
  }
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const v1 = mounts.split('\n').filter((l) => l.split(' ')[2] === 'cgroup');
  const controllers = new Set(v1.flatMap((l) => (l.split(' ')[3] ?? '').split(',')));
  const missing = ['cpu', 'memory', 'pids', 'devices', 'freezer'].filter((c) => !controllers.has(c));
  if (v1.length === 0) return 'kubelet 1.20 needs cgroup v1 hierarchies under /sys/fs/cgroup, and none is mounted';
  if (missing.length > 0) return `the cgroup v1 controllers ${missing.join(', ')} are not mounted`;
  return undefined;
}

/**
 * Starts the node's processes and waits until the Node is Ready.
 *
 * @example
 * const node = await startNode(params); // normally called by startControlPlane({ node: true })
 */
export async function startNode(p: NodeStartParams): Promise<RunningNode> {
  const started = Date.now();
  const d = (...parts: string[]) => join(p.dir, ...parts);
  const layout = {
    root: d('containerd', 'root'),
    state: d('containerd', 'state'),
    socket: d('containerd', 'containerd.sock'),
    runcRoot: d('runc'),
    sandboxImage: LOCAL_IMAGES.pause,
    cniBinDir: p.bins.cniBinDir,
    cniConfDir: d('cni', 'conf'),
  };
  const kubeletRoot = d('kubelet');
  for (const dir of [layout.root, layout.state, layout.runcRoot, layout.cniConfDir, d('cni', 'ipam'), kubeletRoot]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const routes = await runCommand('ip', ['-4', 'route', 'show'], {
    what: 'reading the routing table',
    env: { ...process.env, PATH: systemPath() },
  }).catch(() => '');
  const podSubnet = pickPodSubnet(routes.split('\n'));
  const id = randomBytes(4).toString('hex');
  const bridge = `kcbr${id}`;
  const resources: NodeResources = {
    runcRoot: layout.runcRoot,
    containerdSocket: layout.socket,
    bridge,
    kubeletRoot,
  };
  p.onResources(resources);
  await writeFile(d('containerd.toml'), containerdConfig(layout));
  await writeFile(
    join(layout.cniConfDir, '10-envtest.conflist'),
    cniConflist({ name: `envtest-${id}`, bridge, subnet: podSubnet, ipamDataDir: d('cni', 'ipam') }),
  );

  const procs: ManagedProcess[] = [];
  // No registry is reachable, and none may be tried: every image pull goes to a proxy address on
  // loopback where nothing listens, so a Pod naming an image the node lacks fails at once
  // (ErrImagePull) without a DNS query or a connection leaving the machine.
  const env = {
    ...process.env,
    PATH: systemPath(),
    HTTP_PROXY: NO_REGISTRY_PROXY,
    HTTPS_PROXY: NO_REGISTRY_PROXY,
    http_proxy: NO_REGISTRY_PROXY,
    https_proxy: NO_REGISTRY_PROXY,
    NO_PROXY: '',
    no_proxy: '',
  };
  const spawn = (label: string, bin: string, args: string[]) => {
    const proc = new ManagedProcess(label, bin, args, d(`${label}.log`), env);
    procs.push(proc);
    p.onProcess(proc.pid);
    return proc;
  };
  const release = () => releaseNodeResources(resources, [p.dir]);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Components first (no new pods), then the containers, then containerd, then the machine state.
      await Promise.all(procs.filter((x) => x.label !== 'containerd').map((x) => x.stop(5000)));
      await Promise.all(procs.map((x) => x.stop(5000)));
      release();
    })();
    return stopping;
  };

  try {
    const containerd = spawn('containerd', p.bins.containerd, ['--config', d('containerd.toml')]);
    const ctr = (args: string[], what: string) =>
      runCommand(p.bins.ctr, ['--address', layout.socket, '--namespace', 'k8s.io', ...args], {
        what,
        env: { ...process.env, PATH: systemPath() },
        timeoutMs: 60_000,
      });
    await waitFor('containerd', p.timeoutMs, [containerd], async () => {
      await ctr(['version'], 'asking containerd for its version');
      return true;
    });
    for (const archive of [p.bins.pauseArchive, p.bins.busyboxArchive]) {
      await ctr(['images', 'import', archive], `importing ${archive} into containerd`);
    }
    p.log(`envtest: containerd ready, images ${LOCAL_IMAGES.pause} and ${LOCAL_IMAGES.busybox} imported`);

    const kubeconfig = async (name: string, cert: string, key: string) => {
      const file = d(`${name}.kubeconfig`);
      await writeFile(file, componentKubeconfig(p.apiserverUrl, p.apiserverCaFile, cert, key, name), {
        mode: 0o600,
      });
      return file;
    };
    const creds = p.nodeCredentials;
    const [kubeletPort] = await freePorts(1);
    const kubelet = spawn('kubelet', p.bins.kubelet, [
      `--kubeconfig=${await kubeconfig('kubelet', creds.kubeletClientCertFile, creds.kubeletClientKeyFile)}`,
      '--container-runtime=remote',
      `--container-runtime-endpoint=unix://${layout.socket}`,
      `--containerd=${layout.socket}`,
      '--runtime-request-timeout=2m',
      `--root-dir=${kubeletRoot}`,
      `--cert-dir=${d('kubelet-pki')}`,
      `--volume-plugin-dir=${d('volume-plugins')}`,
      `--hostname-override=${NODE_NAME}`,
      '--address=127.0.0.1',
      `--port=${kubeletPort}`,
      '--read-only-port=0',
      '--healthz-port=0',
      `--tls-cert-file=${creds.kubeletServingCertFile}`,
      `--tls-private-key-file=${creds.kubeletServingKeyFile}`,
      `--client-ca-file=${p.clusterCaFile}`,
      '--anonymous-auth=false',
      '--authorization-mode=AlwaysAllow',
      '--fail-swap-on=false',
      '--cgroup-driver=cgroupfs',
      '--cgroups-per-qos=false',
      '--enforce-node-allocatable=',
      '--eviction-hard=',
      '--image-gc-high-threshold=100',
      '--make-iptables-util-chains=false',
      `--pod-infra-container-image=${LOCAL_IMAGES.pause}`,
      '--sync-frequency=10s',
      '--node-status-update-frequency=4s',
      '--v=1',
    ]);
    const scheduler = spawn('kube-scheduler', p.bins.kubeScheduler, [
      `--kubeconfig=${await kubeconfig('kube-scheduler', p.adminCertFile, p.adminKeyFile)}`,
      '--leader-elect=false',
      '--port=0',
      '--secure-port=0',
    ]);
    const controllerManager = spawn('kube-controller-manager', p.bins.kubeControllerManager, [
      `--kubeconfig=${await kubeconfig('kube-controller-manager', p.adminCertFile, p.adminKeyFile)}`,
      `--service-account-private-key-file=${p.serviceAccountKeyFile}`,
      `--root-ca-file=${p.apiserverCaFile}`,
      `--cluster-signing-cert-file=${p.clusterCaFile}`,
      `--cluster-signing-key-file=${p.clusterCaKeyFile}`,
      // Not nodeipam (no pod CIDRs to hand out); not root-ca-cert-publisher, which would add a
      // kube-root-ca.crt ConfigMap to every namespace (nothing here uses it: Pods get no projected
      // service-account tokens, and tests that count a namespace's ConfigMaps stay exact).
      '--controllers=*,-nodeipam,-root-ca-cert-publisher',
      '--use-service-account-credentials=false',
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      '--port=0',
      '--secure-port=0',
      '--concurrent-gc-syncs=5',
    ]);

    const agent = new Agent({ connect: { ca: await readFile(p.apiserverCaFile, 'utf8') } });
    try {
      await waitFor('the Node to be Ready', p.timeoutMs, [containerd, kubelet, scheduler, controllerManager], () =>
        nodeIsReady(agent, p.apiserverUrl, p.adminToken),
      );
    } finally {
      await agent.close();
    }
    p.log(`envtest: node ${NODE_NAME} Ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pods in ${podSubnet})`);
    return {
      name: NODE_NAME,
      images: LOCAL_IMAGES,
      podSubnet,
      resources,
      logs: {
        containerd: containerd.logFile,
        kubelet: kubelet.logFile,
        kubeScheduler: scheduler.logFile,
        kubeControllerManager: controllerManager.logFile,
      },
      stop,
      killNowSync: () => {
        for (const proc of procs) proc.killNow();
        release();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function nodeIsReady(agent: Agent, url: string, token: string): Promise<boolean> {
  const res = await request(`${url}/api/v1/nodes/${NODE_NAME}`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}` },
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return false;
  }
  const node = (await res.body.json()) as { status?: { conditions?: Array<{ type: string; status: string }> } };
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Polls `check` every 500 ms until it returns true, failing fast when a watched process exits. */
async function waitFor(
  what: string,
  timeoutMs: number,
  watched: ManagedProcess[],
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    for (const proc of watched) {
      if (!proc.running) {
        throw new ControlPlaneStartError(
          `${proc.label} exited while waiting for ${what} (${await proc.exited}); its log is ${proc.logFile}`,
          proc.logTail(),
        );
      }
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastProblem = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
    if (Date.now() > deadline) {
      const kubelet = watched.find((x) => x.label === 'kubelet') ?? watched[0];
      throw new ControlPlaneStartError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (${lastProblem})`,
        kubelet?.logTail() ?? '',
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
