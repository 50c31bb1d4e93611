// meta/v1 types in their JSON shape: TypeMeta, ObjectMeta, ListMeta, Status and the option structs
// that requests encode as query parameters, plus the patch types the apiserver understands.
// ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry and Status (with its details and causes)
// are the generated API types of meta/v1 (the bottom layer), re-exported under their usual names.
import type * as meta_v1 from '../generated/types/meta/v1.js';

/**
 * Metadata every persisted object has (the generated meta/v1 ObjectMeta).
 *
 * @example
 * const meta: ObjectMeta = { name: 'demo', namespace: 'default', labels: { app: 'demo' } };
 */
export type ObjectMeta = meta_v1.ObjectMeta;

/**
 * Metadata of a list (the generated meta/v1 ListMeta).
 *
 * @example
 * const meta: ListMeta = { resourceVersion: '42', continue: '' };
 */
export type ListMeta = meta_v1.ListMeta;

/**
 * A reference from a dependent object to its owner (the generated meta/v1 OwnerReference).
 *
 * @example
 * const ref: OwnerReference = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true };
 */
export type OwnerReference = meta_v1.OwnerReference;

/**
 * Which manager owns which fields, server-side apply's bookkeeping (the generated meta/v1 type).
 *
 * @example
 * const managers = (obj.metadata?.managedFields ?? []).map((m: ManagedFieldsEntry) => m.manager);
 */
export type ManagedFieldsEntry = meta_v1.ManagedFieldsEntry;

/**
 * The apiserver's answer for failures and some successes (the generated meta/v1 Status).
 *
 * @example
 * const s: Status = { apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 };
 */
export type Status = meta_v1.Status;

/**
 * Extra data of a Status (the generated meta/v1 StatusDetails).
 *
 * @example
 * const retryAfter = (status.details as StatusDetails | undefined)?.retryAfterSeconds;
 */
export type StatusDetails = meta_v1.StatusDetails;

/**
 * One cause of a failure, a field and what was wrong with it (the generated meta/v1 StatusCause).
 *
 * @example
 * const fields = (status.details?.causes ?? []).map((c: StatusCause) => c.field);
 */
export type StatusCause = meta_v1.StatusCause;

/** apiVersion and kind of a serialized object. */
export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
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
