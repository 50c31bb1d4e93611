// Example: watch the Pods that match a label selector with a shared informer (the selector is sent
// to the server, so only those Pods are listed, watched and cached), printing each change.
import { loadKubeConfig } from 'kube-client/clientcmd';
import { SharedInformerFactory } from 'kube-client/informers';
import { Clientset, type core_v1 } from 'kube-client/kubernetes';
import type { Config } from 'kube-client/rest';

/**
 * Calls `onChange` for every add, update and delete of a matching Pod until the signal aborts.
 *
 * @example
 * await watchPods(config, 'default', 'app=web', (what, pod) => console.log(what, pod.metadata?.name), signal);
 */
export async function watchPods(
  config: Config,
  namespace: string,
  labelSelector: string,
  onChange: (what: 'added' | 'updated' | 'deleted', pod: core_v1.Pod) => void,
  signal: AbortSignal,
): Promise<void> {
  const factory = SharedInformerFactory.create(Clientset.forConfig(config), {
    namespace,
    tweakListOptions: (o) => {
      o.labelSelector = labelSelector;
    },
  });
  const pods = factory.coreV1.pods;
  pods.informer().addEventHandler({
    onAdd: (pod) => onChange('added', pod),
    onUpdate: (_old, pod) => onChange('updated', pod),
    onDelete: (pod) => onChange('deleted', 'key' in pod ? (pod.obj as core_v1.Pod) : pod),
  });
  factory.start(signal);
  await factory.waitForCacheSync(signal);
  await factory.shutdown();
}

/** `node .build/examples/more/pod-watcher.js <namespace> <selector>` watches until Ctrl-C. */
export async function main(argv: string[]): Promise<void> {
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const [namespace = 'default', selector = 'app=web'] = argv;
  await watchPods(loadKubeConfig().config, namespace, selector, (w, p) => console.log(w, p.metadata?.name), ac.signal);
}
