// kube-client/dynamic: the clients layer. Any resource by GroupVersionResource on unstructured objects.
export {
  DynamicClient,
  DynamicResource,
  DynamicResourceClient,
  type Unstructured,
  type UnstructuredList,
} from './dynamic-client.js';
