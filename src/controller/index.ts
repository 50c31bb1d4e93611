// kube-client/controller: the toolkit layer. A controller toolkit over the client-go layers (after
// controller-runtime and kube-rs): a Manager with a shared cache, leader election, metrics and
// probes; a Controller builder (for / owns / watches, predicates, concurrency); reconcile results;
// a cached typed reader; owner reference, finalizer and status condition helpers.
export { Cache, CachedReader, type CacheOptions, type ObjectKey, type ResourceClientOf } from './cache.js';
export {
  type Condition,
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from './conditions.js';
export {
  Controller,
  ControllerBuilder,
  type ControllerContext,
  type ControllerOptions,
  type ControllerStats,
  type ForOptions,
  type MapFunction,
  type SourceOptions,
} from './controller.js';
export {
  CustomResource,
  CustomResourceDefinitionError,
  type CustomResourceOf,
  type CustomResourceOptions,
  defineCustomResource,
  type PrinterColumn,
  type ScaleSubresource,
} from './custom-resource.js';
export { asError, ControllerError, LeadershipLostError, OwnerReferenceError } from './errors.js';
export {
  addFinalizer,
  type FinalizeOutcome,
  finalize,
  hasFinalizer,
  isBeingDeleted,
  type Patchable,
  removeFinalizer,
} from './finalizers.js';
export { type LeaderElectionOptions, Manager, type ManagerOptions } from './manager.js';
export {
  type ControllerMetrics,
  noopControllerMetrics,
  type PromClientModule,
  promControllerMetrics,
  type ReconcileOutcome,
} from './metrics.js';
export {
  controllerReference,
  getControllerOf,
  isControlledBy,
  type ObjectType,
  setControllerReference,
  setOwnerReference,
} from './owner.js';
export {
  and,
  annotationsChanged,
  generationChanged,
  labelsChanged,
  not,
  or,
  type Predicate,
  predicate,
  resourceVersionChanged,
} from './predicates.js';
export {
  done,
  type Reconciler,
  type Request,
  type Result,
  requestKey,
  requestOfKey,
  requeue,
  requeueAfter,
} from './request.js';
export type { Check } from './server.js';
export {
  type AnySchema,
  type ArrayOptions,
  array,
  boolean,
  type CommonOptions,
  type Infer,
  integer,
  intOrString,
  type JSONSchemaProps,
  map,
  type NumberOptions,
  nullable,
  number,
  type ObjectOptions,
  type InferObject,
  object,
  optional,
  type Properties,
  preserveUnknownFields,
  type Schema,
  SchemaError,
  type Simplify,
  type StringOptions,
  string,
} from './schema.js';
