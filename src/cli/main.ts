// The `kube-client` command: `envtest up` (or `start`) starts a local control plane for people to poke
// at with kubectl. Every path ends with a clear message: what is up, what stopped, or what is wrong.
import { type ControlPlane, startControlPlane } from '../envtest/index.js';

const HELP = `Usage: kube-client <command>

Commands:
  envtest up [--node] [--no-watch-cache]
                                  Start a local etcd + kube-apiserver (v1.20.2) and keep it up until Ctrl-C.
                                  --node also starts a real node (containerd, kubelet, kube-scheduler,
                                  kube-controller-manager) so that Pods run (needs root, Linux, cgroup v1).
                                  Prints the kubeconfig path to use with kubectl.
  start [--node] [--no-watch-cache]
                                  Same as envtest up.
  help, --help, -h                Show this help.
`;

const USAGE_HINT = 'Run "kube-client --help" for usage.';

/** Writes a one-line usage problem and the hint to stderr; returns exit code 2. */
function usageError(problem: string): number {
  process.stderr.write(`kube-client: ${problem}.\n${USAGE_HINT}\n`);
  return 2;
}

/** Parses the options of `envtest up` and `start`; returns them or a one-line problem. */
function parseUpArgs(command: string, args: string[]): { watchCache: boolean; node: boolean } | { problem: string } {
  let watchCache = true;
  let node = false;
  for (const arg of args) {
    if (arg === '--no-watch-cache') {
      watchCache = false;
      continue;
    }
    if (arg === '--node') {
      node = true;
      continue;
    }
    const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (name === '--no-watch-cache' || name === '--node') return { problem: `${name} takes no value` };
    return {
      problem: arg.startsWith('-')
        ? `unknown option "${name}" for "${command}"`
        : `unexpected argument "${arg}" after "${command}"`,
    };
  }
  return { watchCache, node };
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function describe(cp: ControlPlane): string {
  const s = cp.server;
  return [
    '',
    `Local control plane is up: kube-apiserver ${s.version} at ${s.url}`,
    '',
    `  kubeconfig:  ${cp.kubeconfigPath}`,
    `  contexts:    ${s.contexts.admin} (admin, token, current) | ${s.contexts.adminCert} (admin, client cert) | ${s.contexts.user} (unprivileged)`,
    `  etcd:        ${s.etcdUrl}`,
    `  logs:        ${s.apiserverLog}`,
    ...(cp.node
      ? [
          `  node:        ${cp.node.name} (Ready; pods in ${cp.node.podSubnet}, kubelet log ${cp.node.logs.kubelet})`,
          `  images:      ${cp.node.images.busybox}, ${cp.node.images.pause} (use imagePullPolicy: Never)`,
        ]
      : []),
    '',
    'Try it:',
    `  export KUBECONFIG=${cp.kubeconfigPath}`,
    '  kubectl get namespaces',
    ...(cp.node
      ? [
          `  kubectl run hello --image=${cp.node.images.busybox} --image-pull-policy=Never --restart=Never -- sh -c 'echo hello from a pod'`,
          '  kubectl logs hello    # once it has run',
        ]
      : []),
    '  kubectl create configmap hello --from-literal=greeting=hi && kubectl get configmap hello -o yaml',
    `  kubectl --context ${s.contexts.user} get secrets -A    # forbidden: the unprivileged user`,
    '',
    `Press Ctrl-C to stop it (${cp.node ? 'the node, its containers, ' : ''}etcd and kube-apiserver are stopped and their temp dirs removed).`,
    '',
  ].join('\n');
}

async function up(command: string, args: string[]): Promise<number> {
  const parsed = parseUpArgs(command, args);
  if ('problem' in parsed) return usageError(parsed.problem);
  const cp = await startControlPlane({
    watchCache: parsed.watchCache,
    node: parsed.node,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(describe(cp));
  const signal = await waitForSignal();
  process.stderr.write(`\n${signal} received: stopping the control plane...\n`);
  await cp.stop();
  process.stderr.write('Control plane stopped; temp dirs removed.\n');
  return 0;
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code: 0 for help
 * and after a control plane was stopped with Ctrl-C, 2 for a usage error (one line and a hint on
 * stderr; nothing is started), 1 when the control plane could not be provisioned, started or stopped
 * (the reason on stderr).
 *
 * @example
 * process.exitCode = await main(['envtest', 'up']);
 */
export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'help' || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    if (command === 'envtest') {
      if (sub === 'up') return await up('envtest up', rest);
      if (sub === undefined || sub.startsWith('-')) return usageError('"envtest" needs a subcommand: envtest up');
      return usageError(`unknown envtest subcommand "${sub}" (the only one is "up")`);
    }
    if (command === 'start') return await up('start', argv.slice(1));
    if (command === undefined) return usageError('missing command (envtest up, start or help)');
    if (command.startsWith('-')) return usageError(`unknown option "${command}"; give a command first`);
    return usageError(`unknown command "${command}"`);
  } catch (err) {
    process.stderr.write(`kube-client: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
