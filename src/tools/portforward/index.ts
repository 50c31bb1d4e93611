// kube-client/tools/portforward: forward local ports to a pod over the apiserver's WebSocket
// port-forward endpoint (client-go's tools/portforward, kubectl port-forward).
export {
  type ForwardedPort,
  PORT_FORWARD_PROTOCOL,
  type PortForwardOptions,
  PortForwardError,
  PortForwarder,
  type PortMapping,
  parsePortMapping,
  portForward,
} from './port-forwarder.js';
