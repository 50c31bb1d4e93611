// The layer table of src/: the one place that says which folder sits in which layer. The import
// graph test (test/unit/layering.test.ts) enforces it on the imports, and README.md and
// docs/CONTRIBUTING.md carry the table rendered from it (the test checks they match).

/** One layer: the folders under src/ it holds, its subpath exports and a summary. */
export interface Layer {
  /** Short name, unique. */
  readonly name: string;
  /** Folders under src/ ('.' is src/ itself); a file belongs to its longest matching folder. */
  readonly folders: readonly string[];
  /** Subpath exports of the package that give this layer to users. */
  readonly exports: readonly string[];
  /** What is there, for the docs. */
  readonly what: string;
}

/**
 * Bottom first. A file may import files of its own layer and of the layers listed before it, never
 * one listed after it; the API types (layer 0) are imported with `import type` only.
 */
export const LAYERS: readonly Layer[] = [
  {
    name: 'api types',
    folders: ['generated/types'],
    exports: ['kube-client/kubernetes (type namespaces `core_v1`, `apps_v1`, ...)'],
    what: 'the Kubernetes API types generated from the OpenAPI spec: interfaces only, no runtime code',
  },
  {
    name: 'leaf utilities',
    folders: ['util/ds', 'util/log', 'util/platform', 'util/wait', 'util/flowcontrol'],
    exports: ['kube-client/util/log', 'kube-client/util/wait', 'kube-client/util/flowcontrol'],
    what: 'the one Logger (klog-like verbosity; docs/logging.md), a synchronous require for lazy loading, clocks, jitter, backoff and backoff managers, polling; token bucket and REST rate limiters; a FIFO',
  },
  {
    name: 'apimachinery',
    folders: ['apimachinery', 'watch'],
    exports: ['kube-client/apimachinery', 'kube-client/watch'],
    what: 'meta types (aliases of the API types), GVK/GVR, typed `StatusError`, label and field selectors, `Quantity`, IntOrString, unstructured, the `Scheme`; watch events, the `Watch` interface, the stream decoder, `ChannelWatch` and the `Broadcaster` (`watch/` re-exports `apimachinery/watch/`)',
  },
  {
    name: 'rest',
    folders: ['rest', 'clientcmd'],
    exports: ['kube-client/rest', 'kube-client/clientcmd'],
    what: 'Config, kubeconfig loading, auth, impersonation, RESTClient, retries, rate limiting, warnings, the WebSocket and proxy transports',
  },
  {
    name: 'streams',
    folders: ['tools/remotecommand', 'tools/portforward', 'tools/cp'],
    exports: ['kube-client/tools/remotecommand', 'kube-client/tools/portforward', 'kube-client/tools/cp'],
    what: "exec and attach over WebSocket, port-forward, `kubectl cp`: built on rest's transport only, used by the pods client one layer up",
  },
  {
    name: 'generic client',
    folders: ['client'],
    exports: ['kube-client/client', 'kube-client/kubernetes (re-exported)'],
    what: 'the one runtime client every typed, dynamic and metadata client wraps: `ResourceClient`, `TypedResourceClient`, apply configurations, pod logs and streams',
  },
  {
    name: 'typed clientsets',
    folders: ['generated', 'kubernetes'],
    exports: ['kube-client/kubernetes'],
    what: 'the generated typed `Clientset` and group-version accessors (type-only generated code over the generic client), the kinds and their `scheme`',
  },
  {
    name: 'clients',
    folders: ['dynamic', 'metadata', 'discovery', 'restmapper', 'scale', 'fake'],
    exports: [
      'kube-client/dynamic',
      'kube-client/metadata',
      'kube-client/discovery',
      'kube-client/restmapper',
      'kube-client/scale',
      'kube-client/fake',
    ],
    what: 'dynamic and metadata clients, discovery (+ memory cache), the REST mapper, the scale client, fake clientsets',
  },
  {
    name: 'cache',
    folders: ['tools/cache', 'tools/pager', 'tools/watch', 'informers', 'listers'],
    exports: [
      'kube-client/tools/cache',
      'kube-client/tools/pager',
      'kube-client/tools/watch',
      'kube-client/informers',
      'kube-client/listers',
    ],
    what: 'Reflector, DeltaFIFO, Indexer, SharedIndexInformer, the pager, RetryWatcher and until, the typed SharedInformerFactory and listers',
  },
  {
    name: 'helpers',
    folders: ['util/workqueue', 'util/retry', 'tools/record', 'tools/events', 'tools/leaderelection'],
    exports: [
      'kube-client/util/workqueue',
      'kube-client/util/retry',
      'kube-client/tools/record',
      'kube-client/tools/events',
      'kube-client/tools/leaderelection',
    ],
    what: 'work queues and rate limiters, `retryOnConflict`, the event recorders (core/v1 and events.k8s.io/v1), leader election',
  },
  {
    name: 'toolkit',
    folders: ['controller'],
    exports: ['kube-client/controller'],
    what: 'the controller toolkit: Manager, Controller builder, reconcile results, cached reader, owner/finalizer/condition helpers',
  },
  {
    name: 'edges',
    folders: ['envtest', 'codegen', 'cli', '.'],
    exports: ['kube-client/envtest', 'kube-client/codegen', 'kube-client (root)'],
    what: 'a real local cluster for tests, the generator and `kube-client-gen`, the `kube-client` CLI, the root export',
  },
];

/**
 * The layer table as a Markdown table (what README.md and docs/CONTRIBUTING.md carry between
 * `<!-- layers:begin -->` and `<!-- layers:end -->`).
 *
 * @example
 * renderLayerTable(LAYERS).startsWith('| layer |'); // true
 */
export function renderLayerTable(layers: readonly Layer[]): string {
  const code = (s: string): string => {
    const [name, ...rest] = s.split(' (');
    return rest.length > 0 ? `\`${name}\` (${rest.join(' (')}` : `\`${s}\``;
  };
  const folder = (f: string): string => (f === '.' ? '`index.ts`' : `\`${f}/\``);
  const rows = layers.map(
    (l, i) =>
      `| ${i} ${l.name} | ${l.folders.map(folder).join(', ')} | ${l.exports.map(code).join(', ')} | ${l.what} |`,
  );
  return ['| layer | folders under `src/` | subpath exports | what is there |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/**
 * The index in `layers` of the layer holding `file` (a path under src/): its longest matching
 * folder decides; undefined when no folder matches.
 *
 * @example
 * layerOf('generated/types/core/v1.ts', LAYERS); // 0
 */
export function layerOf(file: string, layers: readonly Layer[]): number | undefined {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  let best: { layer: number; length: number } | undefined;
  layers.forEach((l, i) => {
    for (const f of l.folders) {
      const match = f === '.' ? dir === '.' : dir === f || dir.startsWith(`${f}/`);
      if (match && (!best || f.length > best.length)) best = { layer: i, length: f.length };
    }
  });
  return best?.layer;
}

/**
 * The folder of `file` that the table names (its longest matching folder), for folder-level cycles.
 *
 * @example
 * folderOf('tools/cache/reflector.ts', LAYERS); // 'tools/cache'
 */
export function folderOf(file: string, layers: readonly Layer[]): string | undefined {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  let best: string | undefined;
  for (const l of layers)
    for (const f of l.folders) {
      const match = f === '.' ? dir === '.' : dir === f || dir.startsWith(`${f}/`);
      if (match && (best === undefined || f.length > best.length)) best = f;
    }
  return best;
}
