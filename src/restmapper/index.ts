// kube-client/restmapper: the clients layer. Kind <-> resource mapping from discovery.
export {
  DeferredDiscoveryRESTMapper,
  NoKindMatchError,
  NoResourceMatchError,
  type RESTMapping,
} from './rest-mapper.js';
