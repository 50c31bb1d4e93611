// kube-client/scale: the clients layer. The scale subresource of any scalable resource.
export { NamespacedScales, type Scale, ScaleClient } from './scale-client.js';
