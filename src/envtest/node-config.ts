// The configuration files of envtest's node, as pure functions of its folders and names:
// containerd's config (its own root, state, socket and runc root; the CRI plugin with the local
// pause image, CNI from a conf folder of the node's own), the CNI network (a bridge of the node's
// own, host-local addresses, no default route so that no pod traffic can leave the machine), and
// the kubeconfig files of kubelet, kube-scheduler and kube-controller-manager.
import { stringify } from 'yaml';

/** Folders and names containerd's config refers to. */
export interface ContainerdLayout {
  root: string;
  state: string;
  /** Path of containerd's gRPC socket. */
  socket: string;
  /** runc's state folder for this containerd (so that its containers can be found and killed). */
  runcRoot: string;
  sandboxImage: string;
  cniBinDir: string;
  cniConfDir: string;
}

const q = (s: string) => JSON.stringify(s); // TOML basic strings use JSON's escapes

/**
 * containerd's config (version 2). `restrict_oom_score_adj` is required where the process lacks
 * CAP_SYS_RESOURCE (runc would fail every sandbox); network namespaces live under the state
 * folder so that a stop finds and removes every one of them.
 *
 * @example
 * await writeFile(join(dir, 'containerd.toml'), containerdConfig(layout));
 */
export function containerdConfig(l: ContainerdLayout): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${q(l.root)}
state = ${q(l.state)}
oom_score = 0

[grpc]
  address = ${q(l.socket)}

[ttrpc]
  address = ${q(`${l.socket}.ttrpc`)}

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(`${l.root}/opt`)}

[${cri}]
  sandbox_image = ${q(l.sandboxImage)}
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  max_container_log_line_size = 16384

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  Root = ${q(l.runcRoot)}
  SystemdCgroup = false

[${cri}.cni]
  bin_dir = ${q(l.cniBinDir)}
  conf_dir = ${q(l.cniConfDir)}
  max_conf_num = 1
`;
}

/** The pod network of one node. */
export interface PodNetwork {
  /** CNI network name. */
  name: string;
  /** Linux bridge interface name (at most 15 characters). */
  bridge: string;
  /** IPv4 subnet of the pods, e.g. `10.200.17.0/24`. */
  subnet: string;
  /** host-local's allocation folder (inside the node's own folder). */
  ipamDataDir: string;
}

/**
 * The CNI conflist: bridge + host-local + portmap. The bridge gets the gateway address so the
 * machine reaches pods (kubelet probes), but pods get no default route: they reach their own
 * subnet only, so nothing they send can leave the machine.
 *
 * @example
 * await writeFile(join(confDir, '10-envtest.conflist'), cniConflist(net));
 */
export function cniConflist(net: PodNetwork): string {
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: net.name,
      plugins: [
        {
          type: 'bridge',
          bridge: net.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', dataDir: net.ipamDataDir, ranges: [[{ subnet: net.subnet }]] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * A kubeconfig for one control-plane component, authenticated by a client certificate.
 *
 * @example
 * componentKubeconfig('https://127.0.0.1:6443', caFile, certFile, keyFile, 'kubelet');
 */
export function componentKubeconfig(
  server: string,
  caFile: string,
  certFile: string,
  keyFile: string,
  user: string,
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { 'client-certificate': certFile, 'client-key': keyFile } }],
    contexts: [{ name: 'envtest', context: { cluster: 'envtest', user } }],
    'current-context': 'envtest',
  });
}

/**
 * Picks a /24 pod subnet in 10.200.0.0/16 that no route of this machine uses yet.
 *
 * @example
 * pickPodSubnet(['10.200.3.0/24 dev kcbr1 ...'], () => 0.5); // '10.200.128.0/24'
 */
export function pickPodSubnet(routeLines: string[], random: () => number = Math.random): string {
  const used = new Set<number>();
  for (const line of routeLines) {
    const m = /^10\.200\.(\d+)\./.exec(line.trim());
    if (m) used.add(Number(m[1]));
  }
  const start = Math.floor(random() * 250) + 1;
  for (let i = 0; i < 250; i++) {
    const octet = ((start - 1 + i) % 250) + 1;
    if (!used.has(octet)) return `10.200.${octet}.0/24`;
  }
  throw new Error('every pod subnet in 10.200.0.0/16 is in use on this machine');
}
