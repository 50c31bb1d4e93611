// kube-client/restmapper: layer 3. Kind <-> resource mapping from discovery.
export {
  DeferredDiscoveryRESTMapper,
  NoKindMatchError,
  NoResourceMatchError,
  type RESTMapping,
} from './rest-mapper.js';
