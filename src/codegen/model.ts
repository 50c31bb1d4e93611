// The generator's view of an API: definitions (schemas) grouped into modules, and the resources of
// each group version with their kinds, scope and subresources, derived from an OpenAPI v2 spec.

/** An OpenAPI v2 schema (the parts the generator reads). */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  allOf?: Schema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

/** An OpenAPI v2 operation (the parts the generator reads). */
export interface Operation {
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
  responses?: Record<string, { schema?: Schema }>;
}

/** An OpenAPI v2 document. */
export interface OpenAPISpec {
  swagger?: string;
  info?: { title?: string; version?: string };
  definitions?: Record<string, Schema>;
  paths?: Record<string, Record<string, Operation | unknown>>;
}

/** One resource of a group version. */
export interface ResourceModel {
  /** Plural: `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Definition names of the object and list types. */
  typeRef: string;
  listTypeRef?: string;
  /** Subresources with their request/response definitions. */
  subresources: Array<{ name: string; actions: string[]; typeRef?: string }>;
  verbs: string[];
}

/** One group version. */
export interface GroupVersionModel {
  group: string;
  version: string;
  resources: ResourceModel[];
}

/** The analyzed API. */
export interface ApiModel {
  title: string;
  definitions: Record<string, Schema>;
  groupVersions: GroupVersionModel[];
}

const PATH_RE =
  /^\/(?:api|apis\/([^/]+))\/([^/]+)\/(?:namespaces\/\{namespace\}\/)?([^/{]+)(?:\/\{name\})?(?:\/([^/{]+))?$/;
const VERBS_BY_ACTION: Record<string, string> = {
  get: 'get',
  list: 'list',
  post: 'create',
  put: 'update',
  patch: 'patch',
  delete: 'delete',
  deletecollection: 'deletecollection',
  watch: 'watch',
  watchlist: 'watch',
};

function refName(schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref;
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/**
 * Derives the resources of every group version from the spec's paths.
 *
 * @example
 * const model = analyzeSpec(JSON.parse(readFileSync('swagger.json', 'utf8')));
 */
export function analyzeSpec(spec: OpenAPISpec): ApiModel {
  const gvs = new Map<string, GroupVersionModel>();
  const resources = new Map<string, ResourceModel>();
  const paths = Object.keys(spec.paths ?? {}).sort();
  // The deprecated watch paths (/api/v1/watch/namespaces/{namespace}/configmaps) are not clients of
  // their own, but they are what says a resource serves watch: every list path takes a `watch`
  // parameter, even where the server refuses it (componentstatuses).
  const watchable = new Set<string>();
  for (const path of paths) {
    if (!path.includes('/watch/')) continue;
    const m = PATH_RE.exec(path.replace('/watch/', '/'));
    if (m && !m[4]) watchable.add(`${m[1] ?? ''}/${m[2]}/${m[3]}`);
  }
  for (const path of paths) {
    if (path.includes('/watch/')) continue;
    const m = PATH_RE.exec(path);
    if (!m) continue;
    const [, group = '', version, resource, subresource] = m;
    if (!version || !resource) continue;
    const namespaced = path.includes('/namespaces/{namespace}/');
    const gvKey = `${group}/${version}`;
    let gv = gvs.get(gvKey);
    if (!gv) {
      gv = { group, version, resources: [] };
      gvs.set(gvKey, gv);
    }
    const item = spec.paths![path]!;
    const ops = Object.entries(item).filter(([k]) => ['get', 'put', 'post', 'patch', 'delete'].includes(k)) as Array<
      [string, Operation]
    >;
    const key = `${gvKey}/${resource}`;
    let res = resources.get(key);
    for (const [, op] of ops) {
      const action = op['x-kubernetes-action'] ?? '';
      if (action === 'connect') continue;
      const gvk = op['x-kubernetes-group-version-kind'];
      const responseRef = refName(op.responses?.['200']?.schema ?? op.responses?.['201']?.schema);
      if (!subresource) {
        if (!res) {
          if (!gvk) continue;
          res = { resource, kind: gvk.kind, namespaced, typeRef: '', subresources: [], verbs: [] };
          resources.set(key, res);
          gv.resources.push(res);
        }
        if (namespaced) res.namespaced = true;
        const verb = VERBS_BY_ACTION[action];
        if (verb && !res.verbs.includes(verb)) res.verbs.push(verb);
        if (verb === 'list' && watchable.has(key) && !res.verbs.includes('watch')) res.verbs.push('watch');
        if (responseRef && action === 'list' && responseRef.endsWith('List')) res.listTypeRef ??= responseRef;
        if (responseRef && ['get', 'put', 'post'].includes(action) && !responseRef.endsWith('List') && !res.typeRef) {
          if (gvk && gvk.kind === res.kind) res.typeRef = responseRef;
        }
      } else if (res) {
        let sub = res.subresources.find((s) => s.name === subresource);
        if (!sub) {
          sub = { name: subresource, actions: [] };
          res.subresources.push(sub);
        }
        if (!sub.actions.includes(action)) sub.actions.push(action);
        if (responseRef && !sub.typeRef) sub.typeRef = responseRef;
      }
    }
  }
  const groupVersions = [...gvs.values()]
    .map((gv) => ({
      ...gv,
      resources: gv.resources.filter((r) => r.typeRef).sort((a, b) => a.resource.localeCompare(b.resource)),
    }))
    .filter((gv) => gv.resources.length > 0)
    .sort((a, b) => `${a.group}/${a.version}`.localeCompare(`${b.group}/${b.version}`));
  return { title: spec.info?.title ?? 'Kubernetes', definitions: spec.definitions ?? {}, groupVersions };
}
