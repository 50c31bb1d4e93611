// kube-client/scale: layer 3. The scale subresource of any scalable resource.
export { NamespacedScales, type Scale, ScaleClient } from './scale-client.js';
