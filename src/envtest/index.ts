// kube-client/envtest: a real local Kubernetes control plane (etcd + kube-apiserver) for tests,
// ours and our users'. Layer 6: it may use every lower layer; nothing imports it.
export { ControlPlaneStartError, ProvisioningError } from './errors.js';
export { cacheDir, cachedApiserverPath, KUBE_APISERVER_VERSION } from './paths.js';
export { resolveEtcd, resolveKubeApiserver, type ProvisionOptions } from './provision.js';
export { ADMIN_CERT_USER, ADMIN_TOKEN_USER, UNPRIVILEGED_USER } from './certs.js';
export { ENVTEST_CONTEXTS, type KubeconfigFile } from './kubeconfig.js';
export {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControlPlaneServer,
} from './control-plane.js';
