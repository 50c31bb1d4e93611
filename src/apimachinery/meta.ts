// meta/v1 types in their JSON shape: TypeMeta, ObjectMeta, ListMeta, Status and the option structs
// that requests encode as query parameters, plus the patch types the apiserver understands.

/** apiVersion and kind of a serialized object. */
export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

/** A reference from a dependent object to its owner. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Which manager owns which fields (server-side apply bookkeeping). */
export interface ManagedFieldsEntry {
  apiVersion?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
}

/** Metadata every persisted object has. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  selfLink?: string;
}

/** Metadata of a list. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  selfLink?: string;
}

/** Any Kubernetes object: TypeMeta plus ObjectMeta. */
export interface KubeObject extends TypeMeta {
  metadata?: ObjectMeta;
}

/** A list of objects as the apiserver returns it. */
export interface KubeList<T = KubeObject> extends TypeMeta {
  metadata?: ListMeta;
  items: T[];
}

/** One cause of a failure (a field and what was wrong with it). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** Extra data of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The apiserver's answer for failures (and some successes). */
export interface Status extends TypeMeta {
  metadata?: ListMeta;
  status?: 'Success' | 'Failure' | string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** Query options of list and watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  watch?: boolean;
  allowWatchBookmarks?: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact' | string;
  timeoutSeconds?: number;
  limit?: number;
  continue?: string;
  /**
   * With `watch`: first send the current state as ADDED events, then a BOOKMARK annotated
   * `k8s.io/initial-events-end` (watch-list, KEP-3157; servers from v1.27 with the WatchList feature).
   */
  sendInitialEvents?: boolean;
}

/** Query options of get. */
export interface GetOptions {
  resourceVersion?: string;
}

/** Query options of create. */
export interface CreateOptions {
  dryRun?: string[];
  fieldManager?: string;
  fieldValidation?: string;
}

/** Query options of update. */
export interface UpdateOptions {
  dryRun?: string[];
  fieldManager?: string;
  fieldValidation?: string;
}

/** Query options of patch. */
export interface PatchOptions {
  dryRun?: string[];
  force?: boolean;
  fieldManager?: string;
  fieldValidation?: string;
}

/** Options of server-side apply; `fieldManager` is required. */
export interface ApplyOptions {
  dryRun?: string[];
  force?: boolean;
  fieldManager: string;
}

/** Preconditions of a delete. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Body of a delete. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  dryRun?: string[];
}

/**
 * Content types of the four patch kinds.
 *
 * @example
 * rc.patch(PatchType.Merge).resource('configmaps').name('x').body({ data: { a: '1' } });
 */
export const PatchType = {
  JSON: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  StrategicMerge: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;
/** One of the {@link PatchType} content types. */
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/**
 * A metav1.Time as the API serializes it: RFC 3339 in whole seconds.
 *
 * @example
 * formatTime(new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 789))); // '2026-01-01T12:00:00Z'
 */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A metav1.MicroTime as the API serializes it: RFC 3339 with six fractional digits (a Date has
 * milliseconds, so the last three are 0).
 *
 * @example
 * formatMicroTime(new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 789))); // '2026-01-01T12:00:00.789000Z'
 */
export function formatMicroTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
