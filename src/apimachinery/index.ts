// kube-client/apimachinery: the apimachinery layer. Meta types, group/version/kind/resource, API
// errors and the watch primitives. Imports only the API types (type-only) and nothing above.
export * from './errors.js';
export * from './fields.js';
export * from './intstr.js';
export * from './labels.js';
export * from './meta.js';
export * from './quantity.js';
export * from './schema.js';
export * from './scheme.js';
export * from './unstructured.js';
export * from './watch/index.js';
