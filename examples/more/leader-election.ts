// Example: leader election with two (or more) processes. Each process runs a Manager whose one
// controller keeps a ConfigMap stamped with the identity of the process reconciling it (every
// 250 ms); the Manager starts the controller only while its process holds the Lease, so at any
// time exactly one process reconciles and the others wait as standbys. Kill the leader (even with
// SIGKILL, which gives it no chance to release the Lease) and a standby takes over once the Lease
// expires.
//
//   node .build/examples/more/leader-election.js <namespace> <identity>   (KUBECONFIG: the cluster)
import { pathToFileURL } from 'node:url';
import { isNotFound } from 'kube-client/apimachinery';
import { loadKubeConfig } from 'kube-client/clientcmd';
import { Manager, requeueAfter } from 'kube-client/controller';
import type { Config } from 'kube-client/rest';

/** Options of {@link runElected}. */
export interface ElectedOptions {
  namespace: string;
  /** This process's identity in the Lease. */
  identity: string;
  /** Lease duration (ms); the renew deadline and retry period follow from it. Default 4000. */
  leaseDurationMs?: number;
  log?: (line: string) => void;
}

/** The ConfigMap the elected process keeps stamped. */
export const STAMPED = 'leader-stamp';

/**
 * Runs the elected controller until the signal aborts: while leading, it stamps the ConfigMap
 * `leader-stamp` of `namespace` with its identity every 250 ms and logs `reconcile <identity>`.
 *
 * @example
 * await runElected(config, { namespace: 'default', identity: 'a' }, signal);
 */
export async function runElected(config: Config, options: ElectedOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const lease = options.leaseDurationMs ?? 4000;
  const mgr = new Manager({
    config,
    log,
    promClient: false,
    leaderElection: {
      name: 'leader-election-example',
      namespace: options.namespace,
      identity: options.identity,
      leaseDurationMs: lease,
      renewDeadlineMs: Math.round(lease * 0.75),
      retryPeriodMs: Math.round(lease / 8),
    },
  });
  const configMaps = mgr.clientset.coreV1.configMaps(options.namespace);
  mgr
    .controller('stamper')
    // Only the stamped ConfigMap, once when seen; its own stamps (updates) trigger nothing: the
    // reconciler requeues itself every 250 ms instead.
    .for(configMaps, { predicates: [{ create: (cm) => cm.metadata?.name === STAMPED, update: () => false }] })
    .complete(async (req, reqSignal) => {
      log(`reconcile ${options.identity} ${Date.now()}`);
      const data = { leader: options.identity, at: new Date().toISOString() };
      await configMaps
        .patch(req.name, 'application/merge-patch+json', { data }, { signal: reqSignal })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      return requeueAfter(250);
    });
  await mgr.start(signal);
}

/** `node .build/examples/more/leader-election.js <namespace> <identity>`: runs until SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const [namespace = 'default', identity = `pid-${process.pid}`] = argv;
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.once('SIGTERM', () => ac.abort());
  await runElected(loadKubeConfig().config, { namespace, identity }, ac.signal);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`leader election example failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
