// kube-client/envtest: a real local Kubernetes cluster for tests, ours and our users': etcd +
// kube-apiserver, and with `node: true` a real node (containerd, kubelet, scheduler, controller-manager). Layer 6: it may use every lower layer; nothing imports it.
export { ControlPlaneStartError, ProvisioningError } from './errors.js';
export {
  cacheDir,
  cachedApiserverPath,
  cachedBinariesDir,
  cachedImagesDir,
  KUBE_APISERVER_VERSION,
  KUBERNETES_BINARIES,
} from './paths.js';
export {
  ensureCommands,
  ensureDebSrc,
  type KubernetesBinaries,
  type ProvisionOptions,
  resolveEtcd,
  resolveKubeApiserver,
  resolveKubernetesBinaries,
  resolveNodeBinaries,
  unpackKubernetesSource,
} from './provision.js';
export { LOCAL_IMAGES } from './images.js';
export { NODE_NAME, type NodeBinaries, nodeUnsupportedReason } from './node.js';
export { reapOrphanedRuns } from './runs.js';
export { ADMIN_CERT_USER, ADMIN_TOKEN_USER, UNPRIVILEGED_USER } from './certs.js';
export { ENVTEST_CONTEXTS, type KubeconfigFile } from './kubeconfig.js';
export {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneNode,
  type ControlPlaneOptions,
  type ControlPlaneServer,
} from './control-plane.js';
