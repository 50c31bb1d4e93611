// The node's configuration files: containerd's config keeps everything in the node's folders and
// sets what this machine needs; the CNI network gives pods no default route (nothing leaves the
// machine); pod subnets avoid routes in use; mountinfo parsing finds what a stop must unmount.
import { describe, expect, it } from 'vitest';
import { mountsUnder } from '../../../src/envtest/host.js';
import { cniConflist, componentKubeconfig, containerdConfig, pickPodSubnet } from '../../../src/envtest/node-config.js';

describe('containerd config', () => {
  const toml = containerdConfig({
    root: '/t/root',
    state: '/t/state',
    socket: '/t/c.sock',
    runcRoot: '/t/runc',
    sandboxImage: 'kube-client.local/pause:3.4.1',
    cniBinDir: '/usr/lib/cni',
    cniConfDir: '/t/cni',
  });

  it.each([
    ['root = "/t/root"'],
    ['state = "/t/state"'],
    ['address = "/t/c.sock"'],
    ['Root = "/t/runc"'],
    ['sandbox_image = "kube-client.local/pause:3.4.1"'],
    ['restrict_oom_score_adj = true'],
    ['netns_mounts_under_state_dir = true'],
    ['stream_server_address = "127.0.0.1"'],
    ['conf_dir = "/t/cni"'],
    ['path = "/t/root/opt"'],
  ])('holds %s', (line) => {
    expect(toml).toContain(line);
  });

  it('escapes paths as TOML strings', () => {
    const odd = containerdConfig({
      root: '/t/a"b\\c',
      state: '/s',
      socket: '/k',
      runcRoot: '/r',
      sandboxImage: 'p',
      cniBinDir: '/b',
      cniConfDir: '/c',
    });
    expect(odd).toContain('root = "/t/a\\"b\\\\c"');
  });
});

describe('CNI network', () => {
  const conf = JSON.parse(
    cniConflist({ name: 'envtest-1', bridge: 'kcbr1', subnet: '10.200.7.0/24', ipamDataDir: '/t/ipam' }),
  ) as { plugins: Array<Record<string, unknown>> };

  it('is a bridge with host-local addresses in the node folder, and portmap', () => {
    expect(conf.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[0]).toMatchObject({
      bridge: 'kcbr1',
      isGateway: true,
      ipMasq: false,
      ipam: { type: 'host-local', dataDir: '/t/ipam', ranges: [[{ subnet: '10.200.7.0/24' }]] },
    });
  });

  it('gives pods no default route and no masquerading, so no pod traffic leaves the machine', () => {
    const ipam = conf.plugins[0]!.ipam as Record<string, unknown>;
    expect(ipam.routes).toBeUndefined();
    expect(conf.plugins[0]!.isDefaultGateway).toBeUndefined();
  });
});

describe('pickPodSubnet', () => {
  it('skips subnets that routes already use', () => {
    expect(pickPodSubnet(['10.200.1.0/24 dev kcbr1 proto kernel'], () => 0)).toBe('10.200.2.0/24');
    expect(pickPodSubnet([], () => 0)).toBe('10.200.1.0/24');
  });

  it('fails when every subnet is taken', () => {
    const all = Array.from({ length: 250 }, (_, i) => `10.200.${i + 1}.0/24 dev x`);
    expect(() => pickPodSubnet(all)).toThrow(/in use/);
  });
});

describe('component kubeconfig', () => {
  it('names the CA and the client certificate files', () => {
    const text = componentKubeconfig('https://127.0.0.1:1', '/ca.crt', '/c.crt', '/c.key', 'kubelet');
    expect(text).toContain('certificate-authority: /ca.crt');
    expect(text).toContain('client-certificate: /c.crt');
    expect(text).toContain('client-key: /c.key');
  });
});

describe('mountsUnder', () => {
  const mountinfo = [
    '22 1 8:1 / / rw - ext4 /dev/vda rw',
    '30 22 0:5 / /tmp/kube-client-envtest-x/node/kubelet rw - ext4 /dev/vda rw',
    '31 30 0:6 / /tmp/kube-client-envtest-x/node/kubelet/pods/u/volumes/a rw - tmpfs tmpfs rw',
    '32 22 0:7 / /tmp/kube-client-envtest-x/node/containerd/state/netns/cni-1 rw - nsfs nsfs rw',
    '33 22 0:8 / /tmp/kube-client-envtest-xy rw - tmpfs tmpfs rw',
    '34 22 0:9 / /tmp/kube-client-envtest-x/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');

  it('finds mounts at or below the roots, deepest first, and decodes escapes', () => {
    expect(mountsUnder(['/tmp/kube-client-envtest-x'], mountinfo)).toEqual([
      '/tmp/kube-client-envtest-x/node/kubelet/pods/u/volumes/a',
      '/tmp/kube-client-envtest-x/node/containerd/state/netns/cni-1',
      '/tmp/kube-client-envtest-x/node/kubelet',
      '/tmp/kube-client-envtest-x/with space',
    ]);
  });
});
