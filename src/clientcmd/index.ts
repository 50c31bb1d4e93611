// kube-client/clientcmd: the rest layer. kubeconfig loading with client-go's merge rules, in-cluster
// config, and the default loading chain.
export { KubeconfigError, NotInClusterError } from './errors.js';
export { inClusterConfig } from './in-cluster.js';
export {
  buildConfigFromFlags,
  configForContext,
  kubeconfigPrecedence,
  type LoadedConfig,
  type LoadKubeConfigOptions,
  loadFromDefault,
  loadKubeConfig,
  mergeKubeconfigs,
  parseKubeconfig,
} from './load.js';
export type { ConfigOverrides, Kubeconfig, KubeconfigCluster, KubeconfigContext, KubeconfigUser } from './types.js';
