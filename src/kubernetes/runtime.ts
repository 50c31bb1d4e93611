// What generated clients import: the generic ResourceClient and apply configurations (kept apart
// from kubernetes/index.ts, which also re-exports the generated code, to avoid import cycles).
export type { ApplyConfiguration, DeepPartial } from './apply-configuration.js';
export { type ResourceDescriptor, ResourceClient, type WithSignal } from './resource-client.js';
export { type JsonPatchOperation, type MergePatch, TypedResourceClient } from './typed-resource-client.js';
