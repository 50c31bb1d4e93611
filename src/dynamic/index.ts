// kube-client/dynamic: layer 3. Any resource by GroupVersionResource on unstructured objects.
export {
  DynamicClient,
  DynamicResource,
  DynamicResourceClient,
  type Unstructured,
  type UnstructuredList,
} from './dynamic-client.js';
