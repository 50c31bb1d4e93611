// kube-client/codegen: layer 7. The generator (OpenAPI v2 or CRD YAML in; types, typed clients,
// Clientset and kinds out) and its CLI.
export { runCodegenCli } from './cli.js';
export { crdDefinitionPrefix, modelFromCrds } from './crd.js';
export { CodegenError } from './errors.js';
export { groupVersionAccessor, resourceAccessor, type RuntimeImports } from './emit-clients.js';
export { moduleOf } from './emit-types.js';
export { type GenerateOptions, type GenerateResult, generate, renderModel } from './generate.js';
export {
  type ApiModel,
  analyzeSpec,
  type GroupVersionModel,
  type OpenAPISpec,
  type ResourceModel,
  type Schema,
} from './model.js';
