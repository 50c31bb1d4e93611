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
   *
   * @example
   * lister.namespace('default').list('app=web');
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

  /**
   * The object by name. As client-go's listers, it throws a NotFound StatusError when the object is
   * not cached (it was deleted, or never existed): a handler that expects `undefined` here would
   * fail, and requeue, every deleted object forever. Catch it with `isNotFound`, or use
   * {@link tryGet}.
   *
   * @example
   * try { lister.namespace('default').get('web'); } catch (err) { if (isNotFound(err)) return; throw err; }
   */
  get(name: string): T {
    const obj = this.indexer.getByKey(`${this.ns}/${name}`);
    if (obj === undefined) throw notFound(this.resource, name);
    return obj;
  }

  /**
   * The object by name, or `undefined` when it is not cached: the TypeScript form of {@link get}.
   *
   * @example
   * const foo = lister.namespace('default').tryGet('web');
   * if (foo === undefined) return; // deleted: nothing to do
   */
  tryGet(name: string): T | undefined {
    return this.indexer.getByKey(`${this.ns}/${name}`);
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

  /**
   * All objects matching the selector (a Selector or its text), across namespaces.
   *
   * @example
   * lister.list('app=web').length;
   */
  list(selector?: Selector | string): T[] {
    const sel = toSelector(selector);
    return this.indexer.list().filter((o) => sel.matches(o.metadata?.labels));
  }

  /**
   * A cluster-scoped object by name. As client-go's listers, it throws a NotFound StatusError when
   * the object is not cached; use {@link tryGet} for `undefined` instead.
   *
   * @example
   * try { lister.get('node-1'); } catch (err) { if (isNotFound(err)) return; throw err; }
   */
  get(name: string): T {
    const obj = this.indexer.getByKey(name);
    if (obj === undefined) throw notFound(this.resource, name);
    return obj;
  }

  /**
   * A cluster-scoped object by name, or `undefined` when it is not cached.
   *
   * @example
   * const node = nodeLister.tryGet('node-1'); // undefined once deleted
   */
  tryGet(name: string): T | undefined {
    return this.indexer.getByKey(name);
  }

  /**
   * The objects of one namespace ('' for all namespaces).
   *
   * @example
   * lister.namespace('default').list();
   */
  namespace(ns: string): NamespaceLister<T> {
    return new NamespaceLister(this.indexer, this.resource, ns);
  }
}
