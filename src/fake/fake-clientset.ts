// Fake clientsets for users' unit tests: the real typed Clientset (or dynamic client) whose
// transport is an in-memory API server (ObjectTracker) instead of the network. Every request is
// recorded as an action; reactors can answer first (e.g. inject a 409 Conflict).
import { PassThrough, Readable } from 'node:stream';
import { StatusError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/meta.js';
import type { GroupVersionResource } from '../apimachinery/schema.js';
import { DynamicClient } from '../dynamic/dynamic-client.js';
import { Clientset, scheme } from '../kubernetes/index.js';
import type { Config } from '../rest/config.js';
import type { HttpResponse, Middleware } from '../rest/http.js';
import { jsonPatch, mergePatch, ObjectTracker } from './tracker.js';

/** One recorded request. */
export interface Action {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  resource: GroupVersionResource;
  namespace: string;
  name: string;
  subresource: string;
  object?: unknown;
  patchType?: string;
}

/** What a reactor returns: `handled: false` passes the action on. */
export type ReactionResult = { handled: false } | { handled: true; object?: unknown; error?: StatusError };
/** Answers actions before the tracker does. */
export type Reactor = (action: Action) => ReactionResult;

const PATH = /^\/(?:api|apis\/([^/]+))\/([^/]+)(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?$/;

function response(status: number, body: unknown): HttpResponse {
  const buf = Buffer.from(JSON.stringify(body));
  const stream = Readable.from([buf]) as Readable & HttpResponse['body'];
  stream.text = async () => buf.toString('utf8');
  stream.arrayBuffer = async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return { status, headers: { 'content-type': 'application/json' }, body: stream, dump: async () => {} };
}

/** The in-memory API behind fake clients: a tracker, recorded actions and reactors. */
export class FakeApi {
  readonly tracker = new ObjectTracker();
  private readonly recorded: Action[] = [];
  private readonly reactors: Array<{ verb: string; resource: string; fn: Reactor }> = [];

  /** Every request so far. */
  actions(): Action[] {
    return [...this.recorded];
  }

  clearActions(): void {
    this.recorded.length = 0;
  }

  /**
   * Adds a reactor in front of the others; `verb` and `resource` may be '*', and `resource` may
   * name a subresource as client-go's reactors do ('pods/status' matches only that subresource).
   *
   * @example
   * api.prependReactor('update', 'configmaps', () => ({ handled: true, error: new StatusError({ code: 409, reason: 'Conflict' }) }));
   */
  prependReactor(verb: string, resource: string, fn: Reactor): void {
    this.reactors.unshift({ verb, resource, fn });
  }

  /** A Config whose requests this fake answers (no network). */
  config(): Config {
    return { host: 'https://fake.kube-client.invalid', qps: -1, middleware: [this.middleware] };
  }

  private readonly middleware: Middleware = async (req) => {
    const m = PATH.exec(req.url.pathname);
    if (!m)
      return response(404, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: `the fake has no route for ${req.url.pathname}`,
      });
    let [, group = '', version = '', namespace = '', resource = '', name = '', subresource = ''] = m;
    if (namespace && (!resource || (!group && !name && (resource === 'status' || resource === 'finalize')))) {
      // /api/v1/namespaces/<name>[/status|/finalize]: the Namespace object itself
      [resource, name, subresource, namespace] = ['namespaces', namespace, resource, ''];
    }
    const gvr = { group, version, resource };
    const params = req.url.searchParams;
    const text =
      typeof req.body === 'string'
        ? req.body
        : req.body instanceof Uint8Array
          ? Buffer.from(req.body).toString('utf8')
          : undefined;
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const verb: Action['verb'] =
      req.method === 'GET'
        ? params.get('watch') === 'true'
          ? 'watch'
          : name
            ? 'get'
            : 'list'
        : req.method === 'POST'
          ? 'create'
          : req.method === 'PUT'
            ? 'update'
            : req.method === 'PATCH'
              ? 'patch'
              : name
                ? 'delete'
                : 'deletecollection';
    const action: Action = {
      verb,
      resource: gvr,
      namespace,
      name,
      subresource,
      object: body,
      patchType: req.headers['content-type'],
    };
    this.recorded.push(action);
    for (const r of this.reactors) {
      const covers = r.resource === '*' || r.resource === resource || r.resource === `${resource}/${subresource}`;
      if ((r.verb !== '*' && r.verb !== verb) || !covers) continue;
      const result = r.fn(action);
      if (!result.handled) continue;
      if (result.error) return response(result.error.code, result.error.status);
      return response(200, result.object ?? {});
    }
    try {
      return await this.serve(action, params, req.signal);
    } catch (err) {
      if (err instanceof StatusError) return response(err.code, err.status);
      throw err;
    }
  };

  private async serve(a: Action, params: URLSearchParams, signal?: AbortSignal): Promise<HttpResponse> {
    const t = this.tracker;
    const selector = params.get('labelSelector') ?? undefined;
    switch (a.verb) {
      case 'get':
        return response(200, t.get(a.resource, a.namespace, a.name));
      case 'list':
        return response(200, {
          kind: 'List',
          apiVersion: 'v1',
          metadata: { resourceVersion: t.resourceVersion() },
          items: t.list(a.resource, a.namespace, selector),
        });
      case 'create': {
        if (!a.subresource) return response(201, t.create(a.resource, a.namespace, a.object as KubeObject));
        // POST to a subresource (eviction, binding, token), as client-go's ObjectReaction: the object
        // must exist; a body of its own kind updates it, any other body is answered as sent.
        const cur = t.get(a.resource, a.namespace, a.name);
        const sent = a.object as KubeObject;
        return response(201, sent?.kind === cur.kind ? t.update(a.resource, a.namespace, sent) : sent);
      }
      case 'update':
        return response(200, t.update(a.resource, a.namespace, a.object as KubeObject));
      case 'patch': {
        const cur = t.get(a.resource, a.namespace, a.name);
        const patched =
          a.patchType === 'application/json-patch+json' ? jsonPatch(cur, a.object as never) : mergePatch(cur, a.object);
        return response(
          200,
          t.update(a.resource, a.namespace, {
            ...(patched as KubeObject),
            metadata: { ...(patched as KubeObject).metadata, resourceVersion: undefined },
          }),
        );
      }
      case 'delete':
        return response(200, t.delete(a.resource, a.namespace, a.name));
      case 'deletecollection': {
        for (const o of t.list(a.resource, a.namespace, selector))
          t.delete(a.resource, o.metadata?.namespace ?? '', o.metadata!.name!);
        return response(200, { kind: 'Status', status: 'Success' });
      }
      case 'watch': {
        const w = t.watch(a.resource, a.namespace, selector);
        const out = new PassThrough() as PassThrough & HttpResponse['body'];
        out.text = async () => '';
        out.arrayBuffer = async () => new ArrayBuffer(0);
        signal?.addEventListener('abort', () => {
          w.stop();
          out.end();
        });
        void (async () => {
          for await (const ev of w) out.write(`${JSON.stringify(ev)}\n`);
          out.end();
        })();
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: out,
          dump: async () => void w.stop(),
        };
      }
    }
  }
}

/** The GVR of a built-in object from its apiVersion and kind. */
function gvrOf(obj: KubeObject): GroupVersionResource {
  const info = obj.apiVersion && obj.kind ? scheme.byApiVersionKind(obj.apiVersion, obj.kind) : undefined;
  if (!info)
    throw new Error(
      `newSimpleClientset: set apiVersion and kind on seeded objects (got ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'})`,
    );
  return { group: info.group, version: info.version, resource: info.resource };
}

/**
 * A typed Clientset over an in-memory API, seeded with `objects` (which need apiVersion and kind).
 *
 * @example
 * const { clientset, api } = newSimpleClientset({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } });
 * await controller.sync(clientset);
 * expect(api.actions().map((a) => a.verb)).toContain('update');
 */
export function newSimpleClientset(...objects: KubeObject[]): { clientset: Clientset; api: FakeApi } {
  const api = new FakeApi();
  for (const o of objects) api.tracker.add(gvrOf(o), o);
  return { clientset: Clientset.forConfig(api.config()), api };
}

/** Same as {@link newSimpleClientset} (the name the issue tracker and client-go's newer API use). */
export const newFakeClientset = newSimpleClientset;

/**
 * A DynamicClient over an in-memory API, seeded with objects and their resources.
 *
 * @example
 * const { client } = newSimpleDynamicClient([{ gvr: fooGvr, object: foo }]);
 */
export function newSimpleDynamicClient(seed: Array<{ gvr: GroupVersionResource; object: KubeObject }> = []): {
  client: DynamicClient;
  api: FakeApi;
} {
  const api = new FakeApi();
  for (const s of seed) api.tracker.add(s.gvr, s.object);
  return { client: DynamicClient.forConfig(api.config()), api };
}
