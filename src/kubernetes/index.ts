// kube-client/kubernetes: layer 3. The generic ResourceClient that typed clients wrap.
export { type ResourceDescriptor, ResourceClient, type WithSignal } from './resource-client.js';
