// kube-client/client: the generic client layer. The one runtime client every typed, dynamic and
// metadata client wraps (ResourceClient, TypedResourceClient), apply configurations, and the pods'
// logs and streams; generated clients import this module (type-only generated code over it).
export type { ApplyConfiguration, DeepPartial } from './apply-configuration.js';
export { type ResourceDescriptor, ResourceClient, type WithSignal } from './resource-client.js';
export {
  type JsonPatchOperation,
  type MergePatch,
  TypedResourceClient,
  type TypedPatcher,
} from './typed-resource-client.js';
export type {
  Applier,
  CollectionDeleter,
  Creator,
  Deleter,
  Getter,
  ResourceLister,
  ListWatchClient,
  Patcher,
  ResourceHandle,
  Scaler,
  StandardClient,
  StatusApplier,
  StatusUpdater,
  Updater,
  ResourceWatcher,
} from './capabilities.js';
export { type PodLogOptions, PodLogStream } from './pod-logs.js';
export {
  type PodAttachOptions,
  type PodExecOptions,
  type PodExecTextOptions,
  type PodPortForwardOptions,
  type PodsClient,
  podAttach,
  podExec,
  podExecText,
  podPortForward,
  podStreamLog,
} from './pod-streams.js';
export type { ExecTextResult } from '../tools/remotecommand/exec.js';
export type { StreamResult } from '../tools/remotecommand/executor.js';
export type { PortForwarder } from '../tools/portforward/port-forwarder.js';
