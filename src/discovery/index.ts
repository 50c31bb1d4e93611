// kube-client/discovery: the clients layer. What the server serves, and a memory-cached variant.
export {
  type APIGroup,
  type APIResource,
  type APIResourceList,
  DiscoveryClient,
  GroupDiscoveryFailedError,
  MemCacheDiscovery,
  preferredResources,
  type VersionInfo,
} from './discovery-client.js';
