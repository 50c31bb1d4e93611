// startControlPlane(): a real etcd + kube-apiserver on free loopback ports, with TLS, token and
// client-certificate authentication and RBAC, plus a kubeconfig with a context for each test user;
// with `node: true` also a real node (containerd, kubelet, kube-scheduler, kube-controller-manager)
// so that Pods run. Every run records what it owns, and the next start reaps runs whose owner died.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Agent, request } from 'undici';
import { configForContext } from '../clientcmd/load.js';
import type { Kubeconfig } from '../clientcmd/types.js';
import type { Config } from '../rest/config.js';
import { globalLogger } from '../util/log/global.js';
import {
  createCredentials,
  createNodeCredentials,
  type NodeCredentials,
  tokenAuthFile,
  UNPRIVILEGED_USER,
} from './certs.js';
import { registerForCleanup, unregisterFromCleanup } from './cleanup.js';
import { ControlPlaneStartError, ProvisioningError } from './errors.js';
import type { LOCAL_IMAGES } from './images.js';
import { buildKubeconfig, ENVTEST_CONTEXTS, type KubeconfigFile, kubeconfigYaml } from './kubeconfig.js';
import { processStartTime } from './host.js';
import { ManagedProcess } from './managed-process.js';
import { freePorts } from './ports.js';
import { NODE_NAME, nodeUnsupportedReason, type RunningNode, startNode } from './node.js';
import { ensureCommands, resolveEtcd, resolveKubeApiserver, resolveNodeBinaries } from './provision.js';
import { reapOrphanedRuns, releaseRun, type RunRecord, removeRunRecord, writeRunRecord } from './runs.js';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Progress lines (provisioning, start-up). Default: written to stderr; pass `() => {}` for silence. */
  log?: (line: string) => void;
  /** Keep kube-apiserver's watch cache (default true). `false` makes watches read etcd, so compaction yields 410. */
  watchCache?: boolean;
  /** Extra kube-apiserver flags, e.g. `['--max-requests-inflight=800']`. */
  apiserverArgs?: string[];
  /** Extra etcd flags. */
  etcdArgs?: string[];
  /** How long to wait for readiness (default 120 s). */
  startTimeoutMs?: number;
  /** Environment for binary resolution (ETCD_BIN, KUBE_APISERVER_BIN, KUBE_CLIENT_CACHE_DIR). */
  env?: NodeJS.ProcessEnv;
  /**
   * Also start a real node: containerd, kubelet (registered as the Node `localhost`),
   * kube-scheduler and kube-controller-manager, so that Pods run and garbage collection, the
   * deployment and replica set controllers work. Needs Linux, root and cgroup v1; fails at once
   * with a ProvisioningError saying what is missing elsewhere. Pods use the local images of
   * `controlPlane.node.images` with `imagePullPolicy: 'Never'`. Default false.
   */
  node?: boolean;
}

/** The node of a control plane started with `node: true`. */
export interface ControlPlaneNode {
  /** The Node's name (`localhost`). */
  name: string;
  /** Images the node has without a registry; use them with `imagePullPolicy: 'Never'`. */
  images: typeof LOCAL_IMAGES;
  /** The pod subnet (addresses exist only inside this machine's network namespaces). */
  podSubnet: string;
  /** Log files of the node's processes. */
  logs: RunningNode['logs'];
}

/** Connection facts of a running control plane. */
export interface ControlPlaneServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  /** The server's version as /version reports it, e.g. `v1.20.2`. */
  version: string;
  /** PEM of the self-signed serving certificate (use it as the CA) and its file. */
  caData: string;
  caFile: string;
  /** Bearer token of `envtest-admin` (group system:masters). */
  adminToken: string;
  /** Bearer token of the unprivileged `envtest-user` (group envtest-users, no bindings). */
  userToken: string;
  userName: string;
  /** Admin client certificate (O=system:masters) and key, as PEM and files. */
  clientCertData: string;
  clientKeyData: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** `http://127.0.0.1:<port>` of etcd. */
  etcdUrl: string;
  /** Context names of the written kubeconfig. */
  contexts: typeof ENVTEST_CONTEXTS;
  /** Log files of the two processes. */
  apiserverLog: string;
  etcdLog: string;
}

/** A running control plane. Always call `stop()` (it is also done on exit, SIGINT and SIGTERM). */
export interface ControlPlane {
  /** Path of the kubeconfig (contexts `envtest` (current), `envtest-cert`, `envtest-user`). */
  kubeconfigPath: string;
  /** A rest Config for the admin (token) user: pass it to clients. */
  config: Config;
  /** The written kubeconfig as an object. */
  kubeconfig: KubeconfigFile;
  server: ControlPlaneServer;
  /** The node, when started with `node: true`. */
  node?: ControlPlaneNode;
  /** Kills every process it started (the node's containers too), undoes mounts and removes the temp dirs. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Stops kube-apiserver (SIGTERM, or SIGKILL with `kill: true`), waits `downMs`, starts it again
   * on the same port with the same data (etcd keeps running) and waits until it is ready: for
   * testing clients' recovery.
   *
   * @example
   * await cp.restartApiserver({ kill: true, downMs: 1000 });
   */
  restartApiserver(options?: { downMs?: number; kill?: boolean }): Promise<void>;
}

const defaultLog = (line: string) => globalLogger.info(line);

/**
 * Starts a real etcd and kube-apiserver (v1.20.2) on free loopback ports, provisioning the binaries
 * when needed (see {@link resolveKubeApiserver}), and waits until the server is ready.
 *
 * @example
 * import { startControlPlane } from 'kube-client/envtest';
 * const cp = await startControlPlane();
 * try {
 *   console.log(`kubectl --kubeconfig ${cp.kubeconfigPath} get ns`);
 * } finally {
 *   await cp.stop();
 * }
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? defaultLog;
  const started = Date.now();
  const reaped = reapOrphanedRuns();
  if (reaped > 0) log(`envtest: cleaned up after ${reaped} earlier run(s) whose process had died`);
  if (options.node) {
    const why = await nodeUnsupportedReason();
    if (why) {
      throw new ProvisioningError(
        `envtest cannot start a node on this machine: ${why}. Start the control plane without \`node: true\` ` +
          '(etcd + kube-apiserver work without it), or run as root on Linux with cgroup v1.',
      );
    }
  }
  // One after the other: each may need apt, and apt takes one call at a time.
  await ensureCommands([['openssl', 'openssl']], { log, env: options.env });
  const etcdBin = await resolveEtcd({ log, env: options.env });
  const nodeBins = options.node ? await resolveNodeBinaries({ log, env: options.env }) : undefined;
  const apiserverBin = await resolveKubeApiserver({ log, env: options.env });

  const dir = await mkdtemp(join(tmpdir(), 'kube-client-envtest-'));
  // etcd fsyncs a lot; memory-backed storage keeps tests fast where /dev/shm exists.
  const etcdDataDir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : dir, 'kube-client-etcd-'));
  const dirs = [dir, etcdDataDir];
  const record: RunRecord = { ownerPid: process.pid, ownerStartTime: processStartTime(process.pid), dirs, pids: [] };
  const recordFile = writeRunRecord(basename(dir), record);
  const remember = (pid: number | undefined) => {
    if (pid === undefined) return;
    record.pids.push(pid);
    writeRunRecord(basename(dir), record);
  };
  let etcd: ManagedProcess | undefined;
  let apiserver: ManagedProcess | undefined;
  let node: RunningNode | undefined;
  let stopping: Promise<void> | undefined;
  const cleanable = {
    // Every caller (the user, the exit/signal handlers) waits for the one and only stop.
    stop: (): Promise<void> => {
      stopping ??= (async () => {
        unregisterFromCleanup(cleanable);
        await node?.stop();
        await apiserver?.stop();
        await etcd?.stop();
        // Whatever a failed start left (a node half started: mounts, bridge) goes too, and the folders.
        releaseRun(record);
        removeRunRecord(recordFile);
      })();
      return stopping;
    },
    killNowSync: () => {
      node?.killNowSync();
      apiserver?.killNow();
      etcd?.killNow();
      releaseRun(record);
      removeRunRecord(recordFile);
    },
  };
  registerForCleanup(cleanable);

  try {
    const creds = await createCredentials(dir);
    let nodeCreds: NodeCredentials | undefined;
    if (options.node) nodeCreds = await createNodeCredentials(dir, NODE_NAME);
    await writeFile(join(dir, 'tokens.csv'), tokenAuthFile(creds), { mode: 0o600 });
    const [etcdClientPort, etcdPeerPort, securePort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;

    etcd = new ManagedProcess(
      'etcd',
      etcdBin,
      [
        '--name=envtest',
        `--data-dir=${etcdDataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=envtest=${peerUrl}`,
        ...(options.etcdArgs ?? []),
      ],
      join(dir, 'etcd.log'),
    );
    remember(etcd.pid);

    const certDir = join(dir, 'serving');
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      '--insecure-port=0',
      `--cert-dir=${certDir}`,
      `--service-account-key-file=${creds.serviceAccountKeyFile}`,
      `--service-account-signing-key-file=${creds.serviceAccountKeyFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.0.0.0/24',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      `--client-ca-file=${creds.clientCaFile}`,
      options.node ? '--authorization-mode=Node,RBAC' : '--authorization-mode=RBAC',
      '--allow-privileged=true',
      // Pods are created the moment a namespace exists, before any controller could make its
      // default ServiceAccount (and without a node no controller-manager runs at all).
      '--disable-admission-plugins=ServiceAccount',
      ...(nodeCreds
        ? [
            `--kubelet-certificate-authority=${creds.clientCaFile}`,
            `--kubelet-client-certificate=${nodeCreds.apiserverKubeletClientCertFile}`,
            `--kubelet-client-key=${nodeCreds.apiserverKubeletClientKeyFile}`,
            '--kubelet-preferred-address-types=Hostname,InternalIP',
          ]
        : []),
      ...(options.watchCache === false ? ['--watch-cache=false'] : []),
      ...(options.apiserverArgs ?? []),
    ];
    const startApiserver = () => {
      const proc = new ManagedProcess('kube-apiserver', apiserverBin, apiserverArgs, join(dir, 'kube-apiserver.log'));
      remember(proc.pid);
      return proc;
    };
    apiserver = startApiserver();

    const url = `https://127.0.0.1:${securePort}`;
    const caFile = join(certDir, 'apiserver.crt');
    const { caData, version } = await waitUntilReady({
      url,
      caFile,
      token: creds.adminToken,
      etcd,
      apiserver,
      timeoutMs: options.startTimeoutMs ?? 120_000,
    });

    const kubeconfig = buildKubeconfig(url, caData, creds);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigYaml(kubeconfig), { mode: 0o600 });
    const { config } = configForContext(kubeconfig as Kubeconfig, {}, kubeconfigPath);
    log(`envtest: kube-apiserver ${version} ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (nodeBins && nodeCreds) {
      log('envtest: starting the node (containerd, kubelet, kube-scheduler, kube-controller-manager)');
      node = await startNode({
        dir: join(dir, 'node'),
        apiserverUrl: url,
        apiserverCaFile: caFile,
        clusterCaFile: creds.clientCaFile,
        clusterCaKeyFile: join(dir, 'client-ca.key'),
        serviceAccountKeyFile: creds.serviceAccountKeyFile,
        adminCertFile: creds.clientCertFile,
        adminKeyFile: creds.clientKeyFile,
        adminToken: creds.adminToken,
        nodeCredentials: nodeCreds,
        bins: nodeBins,
        log,
        onProcess: remember,
        onResources: (resources) => {
          record.node = resources;
          writeRunRecord(basename(dir), record);
        },
        timeoutMs: options.startTimeoutMs ?? 120_000,
      });
    }
    return {
      kubeconfigPath,
      config,
      kubeconfig,
      server: {
        url,
        host: '127.0.0.1',
        port: securePort,
        version,
        caData,
        caFile,
        adminToken: creds.adminToken,
        userToken: creds.userToken,
        userName: UNPRIVILEGED_USER,
        clientCertData: creds.clientCertData,
        clientKeyData: creds.clientKeyData,
        clientCertFile: creds.clientCertFile,
        clientKeyFile: creds.clientKeyFile,
        etcdUrl,
        contexts: ENVTEST_CONTEXTS,
        apiserverLog: apiserver.logFile,
        etcdLog: etcd.logFile,
      },
      ...(node ? { node: { name: node.name, images: node.images, podSubnet: node.podSubnet, logs: node.logs } } : {}),
      stop: cleanable.stop,
      restartApiserver: async ({ downMs = 0, kill = false } = {}) => {
        await apiserver?.stop(kill ? 0 : undefined);
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        apiserver = startApiserver();
        await waitUntilReady({
          url,
          caFile,
          token: creds.adminToken,
          etcd: etcd!,
          apiserver,
          timeoutMs: options.startTimeoutMs ?? 120_000,
        });
        log(`envtest: kube-apiserver restarted at ${url}`);
      },
    };
  } catch (err) {
    await cleanable.stop();
    throw err;
  }
}

interface ReadinessProbe {
  url: string;
  caFile: string;
  token: string;
  etcd: ManagedProcess;
  apiserver: ManagedProcess;
  timeoutMs: number;
}

/** Polls /readyz (and the default namespace) until the server answers, failing fast if a process exits. */
async function waitUntilReady(p: ReadinessProbe): Promise<{ caData: string; version: string }> {
  const deadline = Date.now() + p.timeoutMs;
  let agent: Agent | undefined;
  let caData = '';
  let lastProblem = 'no answer yet';
  try {
    for (;;) {
      for (const proc of [p.etcd, p.apiserver]) {
        if (!proc.running) {
          throw new ControlPlaneStartError(
            `${proc.label} exited during start-up (${await proc.exited}); its log is ${proc.logFile}`,
            proc.logTail(),
          );
        }
      }
      if (Date.now() > deadline) {
        throw new ControlPlaneStartError(
          `kube-apiserver was not ready within ${Math.round(p.timeoutMs / 1000)} s (${lastProblem}); its log is ${p.apiserver.logFile}`,
          p.apiserver.logTail(),
        );
      }
      if (!agent && existsSync(p.caFile)) {
        caData = await readFile(p.caFile, 'utf8');
        agent = new Agent({ connect: { ca: caData } });
      }
      if (agent) {
        try {
          const get = (path: string) =>
            request(`${p.url}${path}`, {
              dispatcher: agent,
              headers: { authorization: `Bearer ${p.token}` },
              headersTimeout: 5000,
              bodyTimeout: 5000,
            });
          const ready = await get('/readyz');
          await ready.body.text();
          const ns = ready.statusCode === 200 ? await get('/api/v1/namespaces/default') : undefined;
          await ns?.body.text();
          if (ns?.statusCode === 200) {
            const res = await get('/version');
            const body = (await res.body.json()) as { gitVersion?: string };
            return { caData, version: body.gitVersion ?? 'unknown' };
          }
          lastProblem = ns ? `default namespace: HTTP ${ns.statusCode}` : `/readyz: HTTP ${ready.statusCode}`;
        } catch (err) {
          lastProblem = (err as Error).message;
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await agent?.close();
  }
}
