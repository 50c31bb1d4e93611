// ObjectTracker: an in-memory API server store for unit tests (client-go's testing.ObjectTracker):
// objects by group/version/resource/namespace/name, resourceVersion bookkeeping, generateName,
// label-selector lists, merge and JSON patches, and watches fed by every change. Errors are the
// Statuses client-go's tracker returns (NotFound, AlreadyExists, BadRequest on a namespace mismatch).
import { StatusError } from '../apimachinery/errors.js';
import { parseSelector } from '../apimachinery/labels.js';
import { formatTime, type KubeObject } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import { ChannelWatch } from '../apimachinery/watch/channel-watch.js';
import type { WatchEventType } from '../apimachinery/watch/types.js';

const key = (gvr: GroupVersionResource, ns: string) => `${gvr.group}/${gvr.version}/${gvr.resource}/${ns}`;

/** A Status error about one object, worded as apimachinery's errors.NewNotFound and friends (`deployments.apps "x" ...`). */
function objectError(
  gvr: GroupVersionResource,
  name: string,
  code: number,
  reason: string,
  say: (what: string) => string,
) {
  const qualified = gvr.group ? `${gvr.resource}.${gvr.group}` : gvr.resource;
  return new StatusError({
    code,
    reason,
    message: say(`${qualified} "${name}"`),
    details: { name, group: gvr.group || undefined, kind: gvr.resource },
  });
}

const notFound = (gvr: GroupVersionResource, name: string) =>
  objectError(gvr, name, 404, 'NotFound', (o) => `${o} not found`);

/** The namespace an object is written to: the request's; an object naming another one is a BadRequest (as client-go). */
function targetNamespace(ns: string, obj: KubeObject): string {
  const own = obj.metadata?.namespace;
  if (own && own !== ns)
    throw new StatusError({
      code: 400,
      reason: 'BadRequest',
      message: `request namespace does not match object namespace, request: "${ns}" object: "${own}"`,
    });
  return ns;
}

/** Applies an RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Applies an RFC 6902 JSON patch (add, remove, replace, test). */
export function jsonPatch(target: unknown, ops: Array<{ op: string; path: string; value?: unknown }>): unknown {
  const doc = structuredClone(target) as Record<string, unknown>;
  for (const op of ops) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent: Record<string, unknown> | unknown[] = doc;
    for (const p of parts) parent = (parent as Record<string, unknown> | undefined)?.[p] as Record<string, unknown>;
    if (parent === undefined)
      throw new StatusError({ code: 422, reason: 'Invalid', message: `path ${op.path} does not exist` });
    const arr = Array.isArray(parent) ? parent : undefined;
    if (op.op === 'add' || op.op === 'replace') {
      if (arr) arr.splice(last === '-' ? arr.length : Number(last), op.op === 'replace' ? 1 : 0, op.value);
      else (parent as Record<string, unknown>)[last] = op.value;
    } else if (op.op === 'remove') {
      if (arr) arr.splice(Number(last), 1);
      else delete (parent as Record<string, unknown>)[last];
    } else if (op.op === 'test') {
      const cur = arr ? arr[Number(last)] : (parent as Record<string, unknown>)[last];
      if (JSON.stringify(cur) !== JSON.stringify(op.value))
        throw new StatusError({ code: 422, reason: 'Invalid', message: `test failed at ${op.path}` });
    } else {
      throw new StatusError({ code: 422, reason: 'Invalid', message: `unsupported JSON patch op ${op.op}` });
    }
  }
  return doc;
}

/**
 * The store behind fake clientsets.
 *
 * @example
 * const t = new ObjectTracker();
 * t.add({ group: '', version: 'v1', resource: 'configmaps' }, { metadata: { name: 'x', namespace: 'default' } });
 */
export class ObjectTracker {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly watchers = new Map<string, Set<{ w: ChannelWatch<KubeObject>; selector?: string }>>();
  private rv = 0;
  private uid = 0;

  private bucket(gvr: GroupVersionResource, ns: string): Map<string, KubeObject> {
    const k = key(gvr, ns);
    let m = this.objects.get(k);
    if (!m) {
      m = new Map();
      this.objects.set(k, m);
    }
    return m;
  }

  /**
   * Sends a change to the watchers of its namespace and of all namespaces. With a label selector,
   * as the apiserver's watch cache: an update that makes an object match is ADDED, one that makes
   * it stop matching is DELETED (its previous content at the new resourceVersion).
   */
  private emit(gvr: GroupVersionResource, ns: string, type: WatchEventType, obj: KubeObject, prev?: KubeObject): void {
    for (const k of [key(gvr, ns), key(gvr, '')]) {
      for (const { w, selector } of this.watchers.get(k) ?? []) {
        if (!selector) {
          w.push({ type, object: structuredClone(obj) });
          continue;
        }
        const sel = parseSelector(selector);
        const matches = sel.matches(obj.metadata?.labels);
        const matched = prev !== undefined && sel.matches(prev.metadata?.labels);
        if (type !== 'MODIFIED' || prev === undefined) {
          if (matches) w.push({ type, object: structuredClone(obj) });
        } else if (matches) {
          w.push({ type: matched ? 'MODIFIED' : 'ADDED', object: structuredClone(obj) });
        } else if (matched) {
          const gone = structuredClone(prev);
          gone.metadata = { ...gone.metadata, resourceVersion: obj.metadata?.resourceVersion };
          w.push({ type: 'DELETED', object: gone });
        }
      }
      if (ns === '') break;
    }
  }

  /** Current resourceVersion of the store. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Adds (or replaces) an object without checks, e.g. to seed a test. */
  add(gvr: GroupVersionResource, obj: KubeObject): KubeObject {
    const ns = obj.metadata?.namespace ?? '';
    const stored = structuredClone(obj);
    stored.metadata = {
      ...stored.metadata,
      resourceVersion: String(++this.rv),
      uid: stored.metadata?.uid ?? `fake-uid-${++this.uid}`,
      creationTimestamp: stored.metadata?.creationTimestamp ?? formatTime(new Date()),
    };
    this.bucket(gvr, ns).set(stored.metadata.name!, stored);
    this.emit(gvr, ns, 'ADDED', stored);
    return structuredClone(stored);
  }

  /** One object (404 NotFound when missing). */
  get(gvr: GroupVersionResource, ns: string, name: string): KubeObject {
    const o = this.bucket(gvr, ns).get(name);
    if (!o) throw notFound(gvr, name);
    return structuredClone(o);
  }

  /** Objects in `ns` ('' = every namespace) matching the label selector, by namespace then name. */
  list(gvr: GroupVersionResource, ns: string, labelSelector?: string): KubeObject[] {
    const sel = labelSelector ? parseSelector(labelSelector) : undefined;
    const out: KubeObject[] = [];
    for (const [k, m] of this.objects) {
      const prefix = `${gvr.group}/${gvr.version}/${gvr.resource}/`;
      if (!k.startsWith(prefix) || (ns && k !== key(gvr, ns))) continue;
      for (const o of m.values()) if (!sel || sel.matches(o.metadata?.labels)) out.push(structuredClone(o));
    }
    const order = (o: KubeObject) => `${o.metadata?.namespace ?? ''}\u0000${o.metadata?.name ?? ''}`;
    return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /** Stores a new object (409 AlreadyExists when the name is taken; a name is made from generateName). */
  create(gvr: GroupVersionResource, ns: string, obj: KubeObject): KubeObject {
    const meta = { ...obj.metadata, namespace: targetNamespace(ns, obj) || undefined };
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${Math.random().toString(36).slice(2, 7)}`;
    if (!meta.name)
      throw new StatusError({
        code: 422,
        reason: 'Invalid',
        message: 'metadata.name: Required value: name or generateName is required',
      });
    if (this.bucket(gvr, ns).has(meta.name))
      throw objectError(gvr, meta.name, 409, 'AlreadyExists', (o) => `${o} already exists`);
    return this.add(gvr, { ...obj, metadata: meta });
  }

  /** Replaces an object (404 NotFound; 409 Conflict when a resourceVersion is given and stale). */
  update(gvr: GroupVersionResource, ns: string, obj: KubeObject): KubeObject {
    const name = obj.metadata?.name ?? '';
    targetNamespace(ns, obj);
    const cur = this.bucket(gvr, ns).get(name);
    if (!cur) throw notFound(gvr, name);
    if (obj.metadata?.resourceVersion && obj.metadata.resourceVersion !== cur.metadata?.resourceVersion) {
      const modified = 'the object has been modified; please apply your changes to the latest version and try again';
      throw objectError(gvr, name, 409, 'Conflict', (o) => `Operation cannot be fulfilled on ${o}: ${modified}`);
    }
    const stored = structuredClone(obj);
    stored.metadata = {
      ...stored.metadata,
      namespace: ns || undefined,
      uid: cur.metadata?.uid,
      creationTimestamp: cur.metadata?.creationTimestamp,
      resourceVersion: String(++this.rv),
    };
    this.bucket(gvr, ns).set(name, stored);
    this.emit(gvr, ns, 'MODIFIED', stored, cur);
    return structuredClone(stored);
  }

  /** Removes an object and returns it (404 NotFound when missing). */
  delete(gvr: GroupVersionResource, ns: string, name: string): KubeObject {
    const m = this.bucket(gvr, ns);
    const cur = m.get(name);
    if (!cur) throw notFound(gvr, name);
    m.delete(name);
    this.emit(gvr, ns, 'DELETED', cur);
    return structuredClone(cur);
  }

  /** A watch of future changes (resourceVersion resumption is not modelled). */
  watch(gvr: GroupVersionResource, ns: string, labelSelector?: string): ChannelWatch<KubeObject> {
    const k = key(gvr, ns);
    const set = this.watchers.get(k) ?? new Set();
    this.watchers.set(k, set);
    const w = new ChannelWatch<KubeObject>();
    const entry = { w, selector: labelSelector };
    set.add(entry);
    w.onStop = () => set.delete(entry);
    return w;
  }
}
