// kube-client/codegen: the edges layer. The generator (OpenAPI v2 or CRD YAML in; types, typed clients,
// Clientset and kinds out) and its CLI.
export { runCodegenCli } from './cli.js';
export { crdDefinitionPrefix, modelFromCrds } from './crd.js';
export { type CrdGenerateOptions, generateFromCrds } from './crd-generate.js';
export {
  groupVersionInformersName,
  type InformerNames,
  type InformerRuntimeImports,
  informerNames,
  informerRuntimeFor,
  renderCrdInformerIndex,
  renderCrdInformers,
  renderCrdListers,
} from './crd-informers.js';
export { documentsOf, type InputDocument, inputFiles, readDocuments, splitYamlDocuments } from './crd-input.js';
export { type CrdVersion, crdVersions } from './crd-model.js';
export { CrdPlanner, type PlannedGroupVersion, type PlannedResource } from './crd-plan.js';
export { renderCrdTypes } from './crd-types.js';
export { CodegenError } from './errors.js';
export {
  applyConfigurationName,
  type ClientStyle,
  groupVersionAccessor,
  resourceAccessor,
  type RuntimeImports,
} from './emit-clients.js';
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
export { NameRegistry, pascalPart, TS_GLOBAL_TYPES, typeIdentifier } from './names.js';
