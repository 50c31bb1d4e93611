// kube-client/informers: layer 4. The SharedInformerFactory with typed access per resource.
export {
  allSynced,
  type FactoryGroupVersions,
  type GroupVersionInformers,
  type InformerAccess,
  type ResourceSource,
  SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from './factory.js';
