// kube-client/informers: the cache layer. The SharedInformerFactory with typed access per resource.
export {
  allSynced,
  type FactoryGroupVersions,
  type GroupVersionInformers,
  type InformerAccess,
  type ResourceSource,
  SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from './factory.js';
