// kube-client/kubernetes: layer 3. The typed Clientset generated from Kubernetes v1.35.0's OpenAPI
// spec (src/generated, `npm run generate`), the generic ResourceClient it wraps, and a scheme of
// every built-in kind.
import { Scheme } from '../apimachinery/scheme.js';
import { kinds } from '../generated/kinds.js';

export * from '../generated/index.js';
export {
  type Applier,
  type ApplyConfiguration,
  type CollectionDeleter,
  type Creator,
  type Deleter,
  type Getter,
  type ResourceLister,
  type ListWatchClient,
  type Patcher,
  type ResourceHandle,
  type Scaler,
  type StandardClient,
  type StatusApplier,
  type StatusUpdater,
  type TypedPatcher,
  type Updater,
  type ResourceWatcher,
  type DeepPartial,
  type ExecTextResult,
  type JsonPatchOperation,
  type MergePatch,
  type PodAttachOptions,
  type PodExecOptions,
  type PodExecTextOptions,
  type PodLogOptions,
  PodLogStream,
  type PodPortForwardOptions,
  type PortForwarder,
  type StreamResult,
  type ResourceDescriptor,
  ResourceClient,
  TypedResourceClient,
  type WithSignal,
} from './runtime.js';

/**
 * Every built-in kind with its resource, scope and subresources.
 *
 * @example
 * scheme.byApiVersionKind('apps/v1', 'Deployment')?.resource; // 'deployments'
 */
export const scheme: Scheme = new Scheme().register(...kinds);
