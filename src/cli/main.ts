// The `kube-client` command: `envtest up` starts a local control plane for people to poke at with
// kubectl; `start` is the project's main job (npm start). Every path ends with a clear message.
import { type ControlPlane, startControlPlane } from '../envtest/index.js';

const HELP = `Usage: kube-client <command>

Commands:
  envtest up [--no-watch-cache]   Start a local etcd + kube-apiserver (v1.20.2) and keep it up until Ctrl-C.
                                  Prints the kubeconfig path to use with kubectl.
  start                           The main job: start the local control plane and show what it offers.
  help                            Show this help.
`;

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
    '',
    'Try it:',
    `  export KUBECONFIG=${cp.kubeconfigPath}`,
    '  kubectl get namespaces',
    '  kubectl create configmap hello --from-literal=greeting=hi && kubectl get configmap hello -o yaml',
    `  kubectl --context ${s.contexts.user} get secrets -A    # forbidden: the unprivileged user`,
    '',
    'Press Ctrl-C to stop it (etcd and kube-apiserver are stopped and their temp dirs removed).',
    '',
  ].join('\n');
}

async function up(args: string[]): Promise<number> {
  const cp = await startControlPlane({
    watchCache: !args.includes('--no-watch-cache'),
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
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code.
 *
 * @example
 * process.exitCode = await main(['envtest', 'up']);
 */
export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === 'envtest' && sub === 'up') return await up(rest);
    if (command === 'start') return await up(sub ? [sub, ...rest] : []);
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(HELP);
      return 0;
    }
    process.stderr.write(`kube-client: unknown command "${argv.join(' ')}".\n\n${HELP}`);
    return 2;
  } catch (err) {
    process.stderr.write(`kube-client: ${(err as Error).message}\n`);
    return 1;
  }
}
