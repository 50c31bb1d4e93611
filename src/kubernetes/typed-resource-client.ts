// A ResourceClient whose patch() checks the patch body against the object type: a JSON merge patch
// is a deep-partial of the object (null deletes a field), a JSON patch a list of operations, an
// apply patch an apply configuration. Generated clients for custom resources use it; the apiserver
// refuses strategic merge patches for custom resources, so that patch type is not offered.
import type { PatchOptions } from '../apimachinery/meta.js';
import type { PatchType } from '../apimachinery/meta.js';
import type { ApplyConfiguration } from './apply-configuration.js';
import { ResourceClient, type WithSignal } from './resource-client.js';
import type { KubeList, KubeObject } from '../apimachinery/meta.js';

/**
 * A JSON merge patch (RFC 7386) of `T`: every field optional, recursively; `null` removes a field.
 *
 * @example
 * const p: MergePatch<Widget> = { spec: { size: 3 }, metadata: { labels: { old: null } } };
 */
export type MergePatch<T> =
  T extends ReadonlyArray<infer U>
    ? Array<MergePatch<U>>
    : T extends object
      ? { [K in keyof T]?: MergePatch<T[K]> | null }
      : T;

/**
 * One operation of a JSON patch (RFC 6902).
 *
 * @example
 * const ops: JsonPatchOperation[] = [{ op: 'replace', path: '/spec/size', value: 3 }];
 */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** A patch body already serialized (JSON or YAML text, or bytes). */
type Serialized = string | Uint8Array;

/**
 * The `patch` verb with typed bodies (the capability of a {@link TypedResourceClient}; custom
 * resources refuse strategic merge patches, so that type is not offered).
 *
 * @example
 * const widgets: TypedPatcher<Widget> = cs.exampleComV1.widgets('default');
 * await widgets.patch('w1', PatchType.Merge, { spec: { size: 3 } });
 */
export interface TypedPatcher<T extends KubeObject> {
  /** PATCH with a JSON merge patch: a deep-partial of the object, `null` removes a field. */
  patch(
    name: string,
    patchType: typeof PatchType.Merge,
    data: MergePatch<T> | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
  /** PATCH with a JSON patch: a list of operations. */
  patch(
    name: string,
    patchType: typeof PatchType.JSON,
    data: JsonPatchOperation[] | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
  /** PATCH with an apply patch (server-side apply; `fieldManager` is required). */
  patch(
    name: string,
    patchType: typeof PatchType.Apply,
    data: ApplyConfiguration<T> | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
}

/**
 * A {@link ResourceClient} with typed patches. `patch(name, PatchType.Merge, body)` takes a
 * {@link MergePatch} of the object, `PatchType.JSON` a list of {@link JsonPatchOperation}s and
 * `PatchType.Apply` an {@link ApplyConfiguration}; serialized bodies (string, bytes) are passed on as
 * they are.
 *
 * @example
 * const widgets = new TypedResourceClient<Widget>(rc, { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true }, 'default');
 * await widgets.patch('w1', PatchType.Merge, { spec: { size: 3 } });
 */
export class TypedResourceClient<
  T extends KubeObject = KubeObject,
  TList extends KubeList<T> = KubeList<T>,
> extends ResourceClient<T, TList> {
  /** PATCH with a JSON merge patch: a deep-partial of the object, `null` removes a field. */
  override patch(
    name: string,
    patchType: typeof PatchType.Merge,
    data: MergePatch<T> | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
  /** PATCH with a JSON patch: a list of operations. */
  override patch(
    name: string,
    patchType: typeof PatchType.JSON,
    data: JsonPatchOperation[] | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
  /** PATCH with an apply patch (server-side apply; `fieldManager` is required). */
  override patch(
    name: string,
    patchType: typeof PatchType.Apply,
    data: ApplyConfiguration<T> | Serialized,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T>;
  override patch(
    name: string,
    patchType: PatchType,
    data: unknown,
    options?: WithSignal<PatchOptions>,
    ...subresources: string[]
  ): Promise<T> {
    return super.patch(name, patchType, data, options, ...subresources);
  }
}
