// The informer-gen and lister-gen half of the CRD output: per group version a listers file (a typed
// lister per kind over an informer's cache) and an informers file (a typed informer + lister per
// kind, shared through a SharedInformerFactory, and a standalone informer constructor), and one
// `informers.ts` that hangs them off a factory: `informersFor(factory, cs).exampleComV1.widgets`.
import type { PlannedGroupVersion, PlannedResource } from './crd-plan.js';
import { type ClientStyle, generatedHeader, resourceAccessor } from './emit-clients.js';
import { CodegenError } from './errors.js';

/** Where the informer and lister code imports kube-client from. */
export interface InformerRuntimeImports {
  apimachinery: string;
  informers: string;
  listers: string;
  cache: string;
}

/**
 * The import specifiers of the informer and lister files `pathToRoot` below the output folder, for
 * a package name or a relative path to kube-client's `src` (as `runtimeFor`).
 *
 * @example
 * informerRuntimeFor('kube-client', '../').informers; // 'kube-client/informers'
 * informerRuntimeFor('../../src', '../').cache; // '../../../src/tools/cache/index.js'
 */
export function informerRuntimeFor(base: string, pathToRoot: string): InformerRuntimeImports {
  const at = (sub: string) => (base.startsWith('.') ? `${pathToRoot}${base}/${sub}/index.js` : `${base}/${sub}`);
  return {
    apimachinery: at('apimachinery'),
    informers: at('informers'),
    listers: at('listers'),
    cache: at('tools/cache'),
  };
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The names one kind's informer and lister code declares. */
export interface InformerNames {
  informer: string;
  lister: string;
  namespaceLister: string;
  newLister: string;
  newInformer: string;
}

/**
 * The names one kind's informer and lister code declares, as informer-gen and lister-gen name them.
 *
 * @example
 * informerNames('Foo').lister; // 'FooLister' (also FooInformer, FooNamespaceLister, newFooLister, newFooInformer)
 */
export function informerNames(typeName: string): InformerNames {
  return {
    informer: `${typeName}Informer`,
    lister: `${typeName}Lister`,
    namespaceLister: `${typeName}NamespaceLister`,
    newLister: `new${typeName}Lister`,
    newInformer: `new${typeName}Informer`,
  };
}

/** The names of every kind of a group version; a CodegenError when two kinds would share one. */
function namesOf(gv: PlannedGroupVersion): Map<PlannedResource, InformerNames> {
  const owners = new Map<string, string>();
  const out = new Map<PlannedResource, InformerNames>();
  for (const r of gv.resources) {
    const names = informerNames(r.typeName);
    for (const n of Object.values(names)) {
      const other = owners.get(n);
      if (other !== undefined) {
        throw new CodegenError(
          `${other} and ${r.crd.kind} (${gv.group}/${gv.version}) would both get the informer or lister name "${n}"; generate them into separate output folders`,
        );
      }
      owners.set(n, r.crd.kind);
    }
    out.set(r, names);
  }
  return out;
}

/**
 * The class of a group version's informers.
 *
 * @example
 * groupVersionInformersName('exampleComV1'); // 'ExampleComV1Informers'
 */
export const groupVersionInformersName = (accessor: string) => `${upperFirst(accessor)}Informers`;

/**
 * Renders `listers/<accessor>.ts`: per kind a lister type, its namespace lister and a constructor
 * over an indexer (client-go's lister-gen output).
 *
 * @example
 * await out.write(`listers/${gv.accessor}.ts`, renderCrdListers(gv, informerRuntimeFor('kube-client', '../'), style));
 */
export function renderCrdListers(gv: PlannedGroupVersion, runtime: InformerRuntimeImports, style: ClientStyle): string {
  const names = namesOf(gv);
  const t = (r: PlannedResource) => `${gv.alias}.${r.typeName}`;
  let out = `${generatedHeader(style)}// Typed listers of ${gv.group}/${gv.version}: read-only views of an informer's cache.\n`;
  // Imported names end in '_' where a kind's names could take them (kind Namespace: NamespaceLister).
  out += `import { Lister, type NamespaceLister as NamespaceLister_ } from '${runtime.listers}';\n`;
  out += `import type { Indexer } from '${runtime.cache}';\n`;
  out += `import type * as ${gv.alias} from '../types/${gv.mod}.js';\n`;
  for (const r of gv.resources) {
    const n = names.get(r)!;
    const scope = r.crd.namespaced ? `lister.namespace('default').get('name')` : `lister.get('name')`;
    out += `\n/** ${r.crd.kind} objects from an informer's cache: list by label selector, get by name${r.crd.namespaced ? ', per namespace' : ''}. */\n`;
    out += `export type ${n.lister} = Lister<${t(r)}>;\n`;
    out += `\n/** The ${r.crd.kind} objects of one namespace in an informer's cache. */\n`;
    out += `export type ${n.namespaceLister} = NamespaceLister_<${t(r)}>;\n`;
    out += `\n/**\n * A ${n.lister} over an informer's indexer (client-go's New${r.typeName}Lister).\n *\n * @example\n * const lister = ${n.newLister}(informer.getIndexer());\n * ${scope};\n */\n`;
    out += `export function ${n.newLister}(indexer: Indexer<${t(r)}>): ${n.lister} {\n  return new Lister<${t(r)}>(indexer, ${JSON.stringify(r.crd.plural)});\n}\n`;
  }
  return out;
}

/**
 * Renders `informers/<accessor>.ts`: per kind an informer interface (informer + typed lister) and a
 * standalone informer constructor, and the group version's class of informers over a
 * SharedInformerFactory (client-go's informer-gen output).
 *
 * @example
 * await out.write(`informers/${gv.accessor}.ts`, renderCrdInformers(gv, informerRuntimeFor('kube-client', '../'), style));
 */
export function renderCrdInformers(
  gv: PlannedGroupVersion,
  runtime: InformerRuntimeImports,
  style: ClientStyle,
): string {
  const names = namesOf(gv);
  const clientName = `${upperFirst(gv.accessor)}Client`;
  const className = groupVersionInformersName(gv.accessor);
  const t = (r: PlannedResource) => `${gv.alias}.${r.typeName}`;
  let out = `${generatedHeader(style)}// Typed shared informers of ${gv.group}/${gv.version}, over a SharedInformerFactory or standalone.\n`;
  out += `import type { ListOptions } from '${runtime.apimachinery}';\n`;
  out += `import type { SharedInformerFactory } from '${runtime.informers}';\n`;
  // SharedIndexInformer_: the kind SharedIndex has an informer interface named SharedIndexInformer.
  out += `import { listWatchFromResource, SharedIndexInformer as SharedIndexInformer_, type SharedInformerOptions } from '${runtime.cache}';\n`;
  out += `import type { ${clientName} } from '../clientset/${gv.accessor}.js';\n`;
  const listerImports = gv.resources.map((r) => names.get(r)!.lister);
  out += `import type { ${listerImports.join(', ')} } from '../listers/${gv.accessor}.js';\n`;
  out += `import type * as ${gv.alias} from '../types/${gv.mod}.js';\n`;
  const getters: string[] = [];
  for (const r of gv.resources) {
    const n = names.get(r)!;
    const accessor = resourceAccessor(r.crd.plural, r.crd.kind);
    const client = r.crd.namespaced ? `client.${accessor}(namespace)` : `client.${accessor}`;
    out += `\n/** The shared informer of ${r.crd.kind} objects and a typed lister over its cache. */\nexport interface ${n.informer} {\n  informer(): SharedIndexInformer_<${t(r)}>;\n  lister(): ${n.lister};\n}\n`;
    out += `\n/**\n * A ${r.crd.kind} informer of its own, outside any factory (client-go's NewFiltered${r.typeName}Informer)${r.crd.namespaced ? "; namespace '' watches all namespaces" : ''}.\n *\n * @example\n * const informer = ${n.newInformer}(cs.${gv.accessor}${r.crd.namespaced ? ", 'default'" : ''}, { resyncPeriodMs: 30_000 });\n * void informer.run(signal);\n */\n`;
    out += `export function ${n.newInformer}(\n  client: ${clientName},\n${r.crd.namespaced ? '  namespace: string,\n' : ''}  options: SharedInformerOptions<${t(r)}> & { tweakListOptions?: (options: ListOptions) => void } = {},\n): SharedIndexInformer_<${t(r)}> {\n  const { tweakListOptions, ...informerOptions } = options;\n  return new SharedIndexInformer_<${t(r)}>(listWatchFromResource(${client}, tweakListOptions), {\n    name: ${JSON.stringify(r.crd.plural)},\n    ...informerOptions,\n  });\n}\n`;
    const scope = r.crd.namespaced ? "(in the factory's namespace, or all)" : '(cluster-scoped)';
    getters.push(
      `  /** ${r.crd.kind} objects ${scope}: the factory's one shared informer and a typed lister. */\n  get ${accessor}(): ${n.informer} {\n    return this.factory.access(this.client.${accessor}${r.crd.namespaced ? '(this.factory.namespace)' : ''});\n  }\n`,
    );
  }
  const first = gv.resources[0]!;
  const firstAccessor = resourceAccessor(first.crd.plural, first.crd.kind);
  out += `\n/**\n * The informers of ${gv.group}/${gv.version} over a SharedInformerFactory: started, synced and shut\n * down with the factory's other informers.\n *\n * @example\n * const informers = new ${className}(factory, cs.${gv.accessor});\n * informers.${firstAccessor}.informer().addEventHandler({ onAdd: (o) => console.log(o.metadata?.name) });\n * factory.start(signal);\n */\n`;
  out += `export class ${className} {\n  constructor(\n    private readonly factory: SharedInformerFactory,\n    private readonly client: ${clientName},\n  ) {}\n\n${getters.join('\n')}}\n`;
  return out;
}

/**
 * Renders `informers.ts`: `informersFor`, the typed informers of every group version over
 * one SharedInformerFactory and the generated Clientset.
 *
 * @example
 * await out.write('informers.ts', renderCrdInformerIndex(plan, informerRuntimeFor('kube-client', ''), style));
 */
export function renderCrdInformerIndex(
  plan: PlannedGroupVersion[],
  runtime: InformerRuntimeImports,
  style: ClientStyle,
): string {
  let out = `${generatedHeader(style)}// Typed informers of every group version over a SharedInformerFactory.\n`;
  out += `import type { SharedInformerFactory } from '${runtime.informers}';\n`;
  out += `import type { Clientset } from './clientset.js';\n`;
  for (const gv of plan) {
    out += `import { ${groupVersionInformersName(gv.accessor)} } from './informers/${gv.accessor}.js';\n`;
  }
  const first = plan[0]!;
  const r = first.resources[0]!;
  const example = `informersFor(factory, Clientset.forConfig(config)).${first.accessor}.${resourceAccessor(r.crd.plural, r.crd.kind)}`;
  out += `\n/**\n * The typed informers of this API, shared through \`factory\` (one informer per resource however\n * often asked for), started and synced with it.\n *\n * @example\n * const factory = SharedInformerFactory.create(kubernetesClientset, { namespace: 'default' });\n * const access = ${example};\n * factory.start(signal);\n * access.lister().list();\n */\nexport class Informers {\n  constructor(\n    readonly factory: SharedInformerFactory,\n    readonly clientset: Clientset,\n  ) {}\n`;
  for (const gv of plan) {
    const cls = groupVersionInformersName(gv.accessor);
    out += `\n  /** ${gv.group}/${gv.version} */\n  get ${gv.accessor}(): ${cls} {\n    return new ${cls}(this.factory, this.clientset.${gv.accessor});\n  }\n`;
  }
  out += `}\n\n/**\n * The typed informers of this API over \`factory\`.\n *\n * @example\n * const foos = ${example};\n */\nexport function informersFor(factory: SharedInformerFactory, clientset: Clientset): Informers {\n  return new Informers(factory, clientset);\n}\n`;
  return out;
}
