// Emits the thin typed clients: one class per group version with an accessor per resource (a
// ResourceClient, or a small subclass adding the resource's subresource calls), apply
// configuration helpers, the Clientset, and the list of kinds for the scheme.
import { moduleAlias, moduleOf, RUNTIME_DEFINITIONS, SCALAR_DEFINITIONS } from './emit-types.js';
import type { GroupVersionModel, ResourceModel } from './model.js';

/** Where generated code imports kube-client's runtime from. */
export interface RuntimeImports {
  kubernetes: string;
  rest: string;
  apimachinery: string;
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** `Pod` -> `pod`, `IPAddress` -> `ipAddress`, `CSIDriver` -> `csiDriver` (a leading acronym is lowered whole). */
export function lowerFirst(s: string): string {
  const m = /^[A-Z]+/.exec(s);
  if (!m) return s;
  const run = m[0];
  if (run.length === s.length) return s.toLowerCase();
  if (run.length === 1) return s.charAt(0).toLowerCase() + s.slice(1);
  // The last capital of a run starts the next word: IPAddress -> ip + Address.
  return run.slice(0, -1).toLowerCase() + s.slice(run.length - 1);
}

/** `apps` + `v1` -> `appsV1`; `networking.k8s.io` -> `networkingV1`; core -> `coreV1`. */
export function groupVersionAccessor(gv: { group: string; version: string }): string {
  const first =
    gv.group === '' ? 'core' : gv.group.split('.')[0]!.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return `${lowerFirst(first)}${upperFirst(gv.version)}`;
}

/** `configmaps` + `ConfigMap` -> `configMaps`; `networkpolicies` + `NetworkPolicy` -> `networkPolicies`. */
export function resourceAccessor(resource: string, kind: string): string {
  const k = lowerFirst(kind);
  let i = 0;
  while (i < k.length && i < resource.length && k[i]!.toLowerCase() === resource[i]) i++;
  return k.slice(0, i) + resource.slice(i);
}

interface SubresourceMethod {
  name: string;
  render: (t: string) => string;
}

/** Typed helpers for the subresources client-go's typed clients expose. */
const SUBRESOURCE_METHODS: Record<string, SubresourceMethod[]> = {
  scale: [
    {
      name: 'getScale',
      render: (t) =>
        `  /** GET the scale subresource. */\n  getScale(name: string, options?: WithSignal<GetOptions>): Promise<${t}> {\n    return this.getSubresource<${t}>(name, 'scale', options as WithSignal<Record<string, unknown>>);\n  }\n`,
    },
    {
      name: 'updateScale',
      render: (t) =>
        `  /** PUT the scale subresource. */\n  updateScale(name: string, scale: ${t}, options?: WithSignal<UpdateOptions>): Promise<${t}> {\n    return this.updateSubresource<${t}, ${t}>(name, 'scale', scale, options);\n  }\n`,
    },
  ],
  log: [
    {
      name: 'getLog',
      render: () =>
        `  /** GET the log of a pod as text (options: container, tailLines, sinceSeconds, previous, ...). */\n  async getLog(name: string, options?: WithSignal<Record<string, unknown>>): Promise<string> {\n    return (await this.getSubresourceRaw(name, 'log', options)).toString('utf8');\n  }\n`,
    },
    // The streaming calls of pods (exec, attach and portforward are connect actions, which the
    // model leaves out; they come with the log subresource, which only pods have).
    {
      name: 'streamLog',
      render: () =>
        `  /** Streams the log of a pod: lines as an async iterable, or the raw Readable (follow, container, sinceSeconds, ...; reconnect is opt-in). */\n  streamLog(name: string, options?: PodLogOptions): Promise<PodLogStream> {\n    return podStreamLog(this, name, options);\n  }\n`,
    },
    {
      name: 'exec',
      render: () =>
        `  /** Runs a command in a container over WebSocket: resolves on exit code 0, rejects with a CodeExitError otherwise (kube-client/tools/remotecommand). */\n  exec(name: string, options: PodExecOptions): Promise<StreamResult> {\n    return podExec(this, name, options);\n  }\n`,
    },
    {
      name: 'execText',
      render: () =>
        `  /** Runs a command in a container and collects stdout and stderr as text with the exit code. */\n  execText(name: string, options: PodExecTextOptions): Promise<ExecTextResult> {\n    return podExecText(this, name, options);\n  }\n`,
    },
    {
      name: 'attach',
      render: () =>
        `  /** Attaches to the main process of a running container over WebSocket. */\n  attach(name: string, options: PodAttachOptions): Promise<StreamResult> {\n    return podAttach(this, name, options);\n  }\n`,
    },
    {
      name: 'portForward',
      render: () =>
        `  /** Forwards local ports to the pod over WebSocket (kube-client/tools/portforward). */\n  portForward(name: string, options: PodPortForwardOptions): PortForwarder {\n    return podPortForward(this, name, options);\n  }\n`,
    },
  ],
  eviction: [
    {
      name: 'evict',
      render: (t) =>
        `  /** POST an Eviction for the pod. */\n  evict(name: string, eviction: ${t}, options?: WithSignal<CreateOptions>): Promise<unknown> {\n    return this.createSubresource<${t}>(name, 'eviction', eviction, options);\n  }\n`,
    },
  ],
  binding: [
    {
      name: 'bind',
      render: (t) =>
        `  /** POST a Binding (schedules the pod). */\n  bind(name: string, binding: ${t}, options?: WithSignal<CreateOptions>): Promise<unknown> {\n    return this.createSubresource<${t}>(name, 'binding', binding, options);\n  }\n`,
    },
  ],
  token: [
    {
      name: 'createToken',
      render: (t) =>
        `  /** POST a TokenRequest for the service account. */\n  createToken(name: string, request: ${t}, options?: WithSignal<CreateOptions>): Promise<${t}> {\n    return this.createSubresource<${t}, ${t}>(name, 'token', request, options);\n  }\n`,
    },
  ],
  ephemeralcontainers: [
    {
      name: 'updateEphemeralContainers',
      render: (t) =>
        `  /** PUT the ephemeralcontainers subresource. */\n  updateEphemeralContainers(name: string, pod: ${t}, options?: WithSignal<UpdateOptions>): Promise<${t}> {\n    return this.updateSubresource<${t}, ${t}>(name, 'ephemeralcontainers', pod, options);\n  }\n`,
    },
  ],
  resize: [
    {
      name: 'updateResize',
      render: (t) =>
        `  /** PUT the resize subresource. */\n  updateResize(name: string, pod: ${t}, options?: WithSignal<UpdateOptions>): Promise<${t}> {\n    return this.updateSubresource<${t}, ${t}>(name, 'resize', pod, options);\n  }\n`,
    },
  ],
  approval: [
    {
      name: 'updateApproval',
      render: (t) =>
        `  /** PUT the approval subresource. */\n  updateApproval(name: string, csr: ${t}, options?: WithSignal<UpdateOptions>): Promise<${t}> {\n    return this.updateSubresource<${t}, ${t}>(name, 'approval', csr, options);\n  }\n`,
    },
  ],
  finalize: [
    {
      name: 'finalize',
      render: (t) =>
        `  /** PUT the finalize subresource. */\n  finalize(name: string, obj: ${t}, options?: WithSignal<UpdateOptions>): Promise<${t}> {\n    return this.updateSubresource<${t}, ${t}>(name, 'finalize', obj, options);\n  }\n`,
    },
  ],
};

class Refs {
  readonly modules = new Set<string>();
  ref(defName: string | undefined): string {
    if (!defName) return 'unknown';
    const scalar = SCALAR_DEFINITIONS[defName];
    if (scalar) return scalar;
    if (RUNTIME_DEFINITIONS[defName]) return 'KubeObject';
    const [mod, name] = moduleOf(defName);
    this.modules.add(mod);
    return `${moduleAlias(mod)}.${name}`;
  }
}

function resourceClass(gvId: string, r: ResourceModel, refs: Refs): { className: string; code: string } {
  const t = refs.ref(r.typeRef);
  const l = r.listTypeRef ? refs.ref(r.listTypeRef) : `KubeList<${t}>`;
  const methods = r.subresources.flatMap((s) =>
    (SUBRESOURCE_METHODS[s.name] ?? []).map((m) => m.render(refs.ref(s.typeRef))),
  );
  if (methods.length === 0) return { className: `ResourceClient<${t}, ${l}>`, code: '' };
  const className = `${upperFirst(gvId)}${upperFirst(resourceAccessor(r.resource, r.kind))}Client`;
  const code = `/** ${r.kind} (${r.resource}) with its subresource calls. */\nexport class ${className} extends ResourceClient<${t}, ${l}> {\n${methods.join('\n')}}\n`;
  return { className, code };
}

/**
 * Renders one group version's client file.
 *
 * @example
 * renderGroupVersionClient(gv, { kubernetes: 'kube-client/kubernetes', rest: 'kube-client/rest', apimachinery: 'kube-client/apimachinery' }, '../');
 */
export function renderGroupVersionClient(gv: GroupVersionModel, runtime: RuntimeImports, pathToRoot: string): string {
  const gvId = groupVersionAccessor(gv);
  const clientName = `${upperFirst(gvId)}Client`;
  const apiVersion = gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
  const refs = new Refs();
  const classes: string[] = [];
  const accessors: string[] = [];
  const applies: string[] = [];
  for (const r of gv.resources) {
    const { className, code } = resourceClass(gvId, r, refs);
    if (code) classes.push(code);
    const ctor = className.startsWith('ResourceClient<')
      ? `new ResourceClient<${className.slice('ResourceClient<'.length, -1)}>`
      : `new ${className}`;
    const desc = `{ group: ${JSON.stringify(gv.group)}, version: ${JSON.stringify(gv.version)}, resource: ${JSON.stringify(r.resource)}, kind: ${JSON.stringify(r.kind)}, namespaced: ${r.namespaced} }`;
    const name = resourceAccessor(r.resource, r.kind);
    if (r.namespaced) {
      accessors.push(
        `  /** ${r.kind} objects in a namespace ('' for all namespaces). */\n  ${name}(namespace = ''): ${className} {\n    return ${ctor}(this.restClient, ${desc}, namespace);\n  }\n`,
      );
    } else {
      accessors.push(
        `  /** ${r.kind} objects (cluster-scoped). */\n  get ${name}(): ${className} {\n    return ${ctor}(this.restClient, ${desc});\n  }\n`,
      );
    }
    const t = refs.ref(r.typeRef);
    applies.push(
      `/** An apply configuration for a ${r.kind}: add the fields to own and pass it to apply(). */\nexport function ${lowerFirst(r.kind)}ApplyConfiguration(name: string${r.namespaced ? ', namespace?: string' : ''}): ApplyConfiguration<${t}> {\n  return { apiVersion: ${JSON.stringify(apiVersion)}, kind: ${JSON.stringify(r.kind)}, metadata: { name${r.namespaced ? ', namespace' : ''} } } as ApplyConfiguration<${t}>;\n}\n`,
    );
  }
  const cls = `/** Client for ${apiVersion}. */\nexport class ${clientName} {\n  constructor(readonly restClient: RESTClient) {}\n\n${accessors.join('\n')}}\n`;
  const body = `${classes.join('\n')}${classes.length ? '\n' : ''}${cls}\n${applies.join('\n')}`;
  const used = (names: string[]) => names.filter((n) => new RegExp(`\\b${n}\\b`).test(body));
  let head = `// Generated by kube-client codegen from the OpenAPI spec; do not edit.\n// The ${apiVersion} client: one accessor per resource over the generic ResourceClient.\n`;
  const metaTypes = used(['CreateOptions', 'GetOptions', 'KubeList', 'KubeObject', 'UpdateOptions']);
  if (metaTypes.length > 0) head += `import type { ${metaTypes.join(', ')} } from '${runtime.apimachinery}';\n`;
  const runtimeNames = [
    'type ApplyConfiguration',
    ...used([
      'ExecTextResult',
      'PodAttachOptions',
      'PodExecOptions',
      'PodExecTextOptions',
      'PodLogOptions',
      'PodLogStream',
      'PodPortForwardOptions',
      'PortForwarder',
    ]).map((n) => `type ${n}`),
    ...used(['podAttach', 'podExec', 'podExecText', 'podPortForward', 'podStreamLog']),
    'ResourceClient',
    ...used(['StreamResult', 'WithSignal']).map((n) => `type ${n}`),
  ];
  head += `import { ${runtimeNames.join(', ')} } from '${runtime.kubernetes}';\n`;
  head += `import type { RESTClient } from '${runtime.rest}';\n`;
  for (const m of [...refs.modules].sort())
    head += `import type * as ${moduleAlias(m)} from '${pathToRoot}types/${m}.js';\n`;
  return `${head}\n${body}`;
}

/** Renders the Clientset over all group versions. */
export function renderClientset(gvs: GroupVersionModel[], runtime: RuntimeImports): string {
  let out = `// Generated by kube-client codegen from the OpenAPI spec; do not edit.\n// The Clientset: one lazily created client per group version, all sharing one rate limiter and\n// connection pool, as client-go's clientsets do.\n`;
  out += `import { type Config, type RESTClient, RESTClientPool } from '${runtime.rest}';\n`;
  for (const gv of gvs) {
    const id = groupVersionAccessor(gv);
    out += `import { ${upperFirst(id)}Client } from './clientset/${id}.js';\n`;
  }
  out += `\n/**\n * Typed clients for every group version.\n *\n * @example\n * const cs = Clientset.forConfig(config);\n * const pods = await cs.coreV1.pods('default').list();\n */\nexport class Clientset {\n`;
  out += '  private readonly clients = new Map<string, unknown>();\n  private readonly pool: RESTClientPool;\n\n';
  out += '  constructor(readonly config: Config) {\n    this.pool = new RESTClientPool(config);\n  }\n\n';
  out +=
    "  /** A clientset for a config (client-go's NewForConfig). */\n  static forConfig(config: Config): Clientset {\n    return new Clientset(config);\n  }\n\n";
  out +=
    '  /** Same as forConfig. */\n  static newForConfig(config: Config): Clientset {\n    return new Clientset(config);\n  }\n\n';
  out +=
    '  private client<C>(group: string, version: string, make: new (rc: RESTClient) => C): C {\n    const key = `${group}/${version}`;\n    let c = this.clients.get(key) as C | undefined;\n    if (!c) {\n      c = new make(this.pool.forGroupVersion({ group, version }));\n      this.clients.set(key, c);\n    }\n    return c;\n  }\n';
  for (const gv of gvs) {
    const id = groupVersionAccessor(gv);
    const apiVersion = gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
    out += `\n  /** ${apiVersion} */\n  get ${id}(): ${upperFirst(id)}Client {\n    return this.client(${JSON.stringify(gv.group)}, ${JSON.stringify(gv.version)}, ${upperFirst(id)}Client);\n  }\n`;
  }
  return `${out}}\n`;
}

/** Renders the KindInfo list for the scheme. */
export function renderKinds(gvs: GroupVersionModel[], runtime: RuntimeImports): string {
  const rows = gvs.flatMap((gv) =>
    gv.resources.map(
      (r) =>
        `  { group: ${JSON.stringify(gv.group)}, version: ${JSON.stringify(gv.version)}, kind: ${JSON.stringify(r.kind)}, resource: ${JSON.stringify(r.resource)}, namespaced: ${r.namespaced}, subresources: ${JSON.stringify(r.subresources.map((s) => s.name))}, verbs: ${JSON.stringify(r.verbs)} },`,
    ),
  );
  return `// Generated by kube-client codegen from the OpenAPI spec; do not edit.\n// Every kind the spec serves, for the scheme.\nimport type { KindInfo } from '${runtime.apimachinery}';\n\n/** The kinds of this API. */\nexport const kinds: KindInfo[] = [\n${rows.join('\n')}\n];\n`;
}
