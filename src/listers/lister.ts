// Listers: read-only, typed views of an informer's cache, by label selector, by namespace and by
// name, as client-go's generated listers offer. They never call the server.
import { StatusError, StatusReason } from '../apimachinery/errors.js';
import { everything, parseSelector, type Selector } from '../apimachinery/labels.js';
import type { KubeObject } from '../apimachinery/meta.js';
import { type Indexer, NamespaceIndex } from '../tools/cache/store.js';

function toSelector(selector: Selector | string | undefined): Selector {
  if (selector === undefined) return everything();
  return typeof selector === 'string' ? parseSelector(selector) : selector;
}

/** client-go's errors.NewNotFound: the error's message is the Status message. */
function notFound(resource: string, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: StatusReason.NotFound,
    message: `${resource} ${JSON.stringify(name)} not found`,
    details: { name, kind: resource },
  });
}

/**
 * The objects of one namespace.
 *
 * @example
 * const cm = lister.namespace('default').get('settings');
 */
export class NamespaceLister<T extends KubeObject> {
  constructor(
    private readonly indexer: Indexer<T>,
    private readonly resource: string,
    /** The namespace this lister reads. */
    readonly ns: string,
  ) {}

  /**
   * Objects of the namespace matching the selector (a Selector or its text); namespace '' means all
   * namespaces. Without a namespace index the whole cache is scanned (as client-go's ListAllByNamespace).
   */
  list(selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    const objs =
      this.ns === ''
        ? this.indexer.list()
        : NamespaceIndex in this.indexer.getIndexers()
          ? this.indexer.byIndex(NamespaceIndex, this.ns)
          : this.indexer.list().filter((o) => (o.metadata?.namespace ?? '') === this.ns);
    return objs.filter((o) => sel.matches(o.metadata?.labels));
  }

  /** The object by name; throws a NotFound StatusError when it is not cached. */
  get(name: string): T {
    const obj = this.indexer.getByKey(`${this.ns}/${name}`);
    if (obj === undefined) throw notFound(this.resource, name);
    return obj;
  }
}

/**
 * All cached objects of one resource.
 *
 * @example
 * const lister = factory.coreV1.configMaps.lister();
 * lister.list('app=web'); lister.namespace('default').get('settings');
 */
export class Lister<T extends KubeObject> {
  constructor(
    private readonly indexer: Indexer<T>,
    /** Resource name, for NotFound errors. */
    readonly resource: string,
  ) {}

  /** All objects matching the selector. */
  list(selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    return this.indexer.list().filter((o) => sel.matches(o.metadata?.labels));
  }

  /** A cluster-scoped object by name; throws a NotFound StatusError when it is not cached. */
  get(name: string): T {
    const obj = this.indexer.getByKey(name);
    if (obj === undefined) throw notFound(this.resource, name);
    return obj;
  }

  /** The objects of one namespace. */
  namespace(ns: string): NamespaceLister<T> {
    return new NamespaceLister(this.indexer, this.resource, ns);
  }
}
