// What a node leaves on the machine besides its processes, and the synchronous tools that remove
// it (usable from an 'exit' handler): runc containers in the node's own runc root, processes
// started for it (containerd's shims), mounts under its folders (kubelet's root-dir bind mount,
// volume tmpfs mounts, sandbox shm mounts, network namespaces) and its bridge interface.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PATH for the node's processes and tools: runc, ip and umount live in sbin folders, which a
 * non-login environment may lack.
 */
export function systemPath(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = (env.PATH ?? '').split(':').filter(Boolean);
  for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!dirs.includes(d)) dirs.push(d);
  }
  return dirs.join(':');
}

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: systemPath() },
  });
  return { ok: r.status === 0, out: r.stdout ?? '' };
}

/**
 * The command line of a process (NUL-separated arguments joined by spaces), or undefined once it
 * is gone.
 *
 * @example
 * processCommandLine(process.pid); // 'node /path/to/script.js'
 */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat): with the pid
 * it identifies a process even after its pid is reused. Undefined when it is gone.
 *
 * @example
 * const owner = { pid: process.pid, startTime: processStartTime(process.pid) };
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/**
 * Kills (SIGKILL) every process whose command line contains one of `needles`, except this one.
 * Returns how many were killed.
 *
 * @example
 * killProcessesMatching(['/tmp/kube-client-envtest-abc/containerd.sock']);
 */
export function killProcessesMatching(needles: string[]): number {
  if (needles.length === 0) return 0;
  let killed = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const cmdline = processCommandLine(pid);
    if (!cmdline || !needles.some((n) => cmdline.includes(n))) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // gone already
    }
  }
  return killed;
}

/**
 * Kills and deletes every container in a runc root (the node's containers, also when containerd
 * and its shims are gone). Returns the container ids it found.
 *
 * @example
 * killRuncContainers('/tmp/kube-client-envtest-abc/node/runc');
 */
export function killRuncContainers(runcRoot: string): string[] {
  const list = run('runc', ['--root', runcRoot, 'list', '-q']);
  if (!list.ok) return [];
  const ids = list.out.split('\n').filter((id) => /^[\w.-]+$/.test(id));
  for (const id of ids) run('runc', ['--root', runcRoot, 'kill', '--all', id, 'KILL']);
  for (const id of ids) run('runc', ['--root', runcRoot, 'delete', '--force', id]);
  return ids;
}

/**
 * Mount points at or below any of `roots`, deepest first (from /proc/self/mountinfo).
 *
 * @example
 * mountsUnder(['/tmp/kube-client-envtest-abc']); // ['/tmp/.../pods/x/volumes/...', '/tmp/.../kubelet']
 */
export function mountsUnder(roots: string[], mountinfo?: string): string[] {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return [];
    }
  }
  const found = new Set<string>();
  for (const line of text.split('\n')) {
    const raw = line.split(' ')[4];
    if (!raw) continue;
    // mountinfo escapes space, tab, newline and backslash as octal.
    const point = raw.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    if (roots.some((r) => point === r || point.startsWith(`${r}/`))) found.add(point);
  }
  return [...found].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/**
 * Unmounts (lazily) every mount at or below `roots`, deepest first, repeating while some remain
 * (a path can be mounted more than once). Returns how many unmounts succeeded.
 *
 * @example
 * unmountUnder(['/tmp/kube-client-envtest-abc']);
 */
export function unmountUnder(roots: string[]): number {
  let done = 0;
  for (let round = 0; round < 5; round++) {
    const points = mountsUnder(roots);
    if (points.length === 0) break;
    for (const p of points) if (run('umount', ['-l', p]).ok) done++;
  }
  return done;
}

/**
 * Deletes a network interface (the node's bridge) if it exists.
 *
 * @example
 * deleteLink('kcbr3f2a1c');
 */
export function deleteLink(name: string): void {
  if (!/^[\w.-]{1,15}$/.test(name)) return;
  run('ip', ['link', 'delete', name]);
}

/** The machine-wide resources of one node, besides its folders. */
export interface NodeResources {
  /** runc's state folder of the node's containerd. */
  runcRoot: string;
  /** containerd's socket path (its shims name it on their command line). */
  containerdSocket: string;
  /** The pod bridge interface. */
  bridge: string;
  /** kubelet's --root-dir (its `pods/<uid>` folders name the pods whose logs to remove). */
  kubeletRoot: string;
}

/**
 * Removes the log folders kubelet 1.20 writes outside its root-dir (`/var/log/pods/<ns>_<name>_<uid>`,
 * a fixed path) for the pods it ran, and the `/var/log/containers` links into them.
 *
 * @example
 * removePodLogs('/tmp/kube-client-envtest-abc/node/kubelet');
 */
export function removePodLogs(kubeletRoot: string, logRoot = '/var/log'): void {
  let uids: string[];
  try {
    uids = readdirSync(join(kubeletRoot, 'pods')).filter((u) => /^[\w-]+$/.test(u));
  } catch {
    return;
  }
  if (uids.length === 0) return;
  const removed: string[] = [];
  try {
    for (const entry of readdirSync(join(logRoot, 'pods'))) {
      if (uids.some((uid) => entry.endsWith(`_${uid}`))) {
        rmSync(join(logRoot, 'pods', entry), { recursive: true, force: true });
        removed.push(join(logRoot, 'pods', entry));
      }
    }
  } catch {
    return;
  }
  try {
    for (const link of readdirSync(join(logRoot, 'containers'))) {
      const path = join(logRoot, 'containers', link);
      let target = '';
      try {
        target = readlinkSync(path);
      } catch {
        continue;
      }
      if (removed.some((dir) => target.startsWith(`${dir}/`))) rmSync(path, { force: true });
    }
  } catch {
    // no /var/log/containers
  }
}

/**
 * Releases what a node holds on the machine, in an order that works whatever state it is in:
 * containers killed through runc, containerd's shims killed, pod logs removed, every mount under
 * `roots` undone (kubelet's bind mount, volumes, shm, network namespaces), the bridge deleted.
 *
 * @example
 * releaseNodeResources(node, ['/tmp/kube-client-envtest-abc']);
 */
export function releaseNodeResources(node: NodeResources, roots: string[]): void {
  killRuncContainers(node.runcRoot);
  killProcessesMatching([node.containerdSocket]);
  removePodLogs(node.kubeletRoot);
  unmountUnder(roots);
  deleteLink(node.bridge);
}
