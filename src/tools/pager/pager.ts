// ListPager: list in pages of 500 (limit/continue) and join them; when the continue token expires
// mid-way (410), fall back to one full list, as client-go's pager does.
import { isGone, isResourceExpired } from '../../apimachinery/errors.js';
import type { KubeList, ListMeta, ListOptions } from '../../apimachinery/meta.js';

/**
 * Lists one page; may call `onListMeta` with the page's metadata as soon as it arrives (before the
 * items), which lets the pager request the next page early.
 */
export type ListPageFunc<T> = (
  options: ListOptions,
  signal?: AbortSignal,
  onListMeta?: (metadata: ListMeta) => void,
) => Promise<KubeList<T>>;

/** client-go's default page size. */
export const DEFAULT_PAGE_SIZE = 500;

/**
 * Lists a resource page by page.
 *
 * @example
 * const pager = new ListPager((o, s) => cs.coreV1.pods('').list({ ...o, signal: s }));
 * const { list } = await pager.list({ labelSelector: 'app=web' });
 */
export class ListPager<T> {
  /** Items per page (0: no paging). */
  pageSize = DEFAULT_PAGE_SIZE;
  /** List everything at once when a continue token expires. */
  fullListIfExpired = true;
  /**
   * Request the next page as soon as the current page's continue token arrives (the apiserver writes
   * metadata first), while the current page's items are still arriving and being parsed.
   */
  overlapPages = false;

  constructor(private readonly pageFn: ListPageFunc<T>) {}

  /**
   * All items; `paginated` tells whether more than one page was read. Joined pages keep the first
   * page's resourceVersion (the snapshot every page comes from) without a continue token. The signal
   * is checked before each page, as client-go checks its context.
   */
  async list(options: ListOptions = {}, signal?: AbortSignal): Promise<{ list: KubeList<T>; paginated: boolean }> {
    const limit = this.limit(options);
    const items: T[] = [];
    let cont: string | undefined;
    let first: KubeList<T> | undefined;
    let pending: PendingPage<T> | undefined;
    for (;;) {
      signal?.throwIfAborted();
      let page: KubeList<T>;
      const current = pending ?? this.fetch(options, limit, cont, signal);
      pending = undefined;
      try {
        page = await this.activate(current, options, limit, signal);
      } catch (err) {
        current.next?.page.catch(() => {});
        if (cont && this.fullListIfExpired && (isResourceExpired(err) || isGone(err))) {
          const full = await this.pageFn({ ...options, limit: undefined, continue: undefined }, signal);
          return { list: full, paginated: true };
        }
        throw err;
      }
      first ??= page;
      for (const item of page.items ?? []) items.push(item);
      cont = page.metadata?.continue || undefined;
      if (current.next && current.next.cont === cont) pending = current.next;
      else current.next?.page.catch(() => {});
      if (!cont) {
        if (first === page) return { list: { ...page, items }, paginated: false };
        const metadata = { ...page.metadata, resourceVersion: first.metadata?.resourceVersion };
        return { list: { ...page, metadata, items }, paginated: true };
      }
    }
  }

  /**
   * Calls `fn` for every item, page by page, without keeping them all. An expired continue token
   * is thrown (no full-list fallback); the signal is checked before each page.
   */
  async eachListItem(options: ListOptions, fn: (item: T) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const limit = this.limit(options);
    let cont: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await this.pageFn(this.pageOptions(options, limit, cont), signal);
      for (const item of page.items ?? []) await fn(item);
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  /** Starts one page's request; with overlapPages its continue token is caught as it arrives. */
  private fetch(
    options: ListOptions,
    limit: number | undefined,
    cont: string | undefined,
    signal: AbortSignal | undefined,
  ): PendingPage<T> {
    const p: PendingPage<T> = { cont, page: undefined as unknown as Promise<KubeList<T>> };
    if (!this.overlapPages || limit === undefined) {
      p.page = this.pageFn(this.pageOptions(options, limit, cont), signal);
      return p;
    }
    const onListMeta = (meta: ListMeta) => {
      p.nextCont = meta.continue || undefined;
      if (p.active) this.prefetch(p, options, limit, signal);
    };
    p.page = this.pageFn(this.pageOptions(options, limit, cont), signal, onListMeta);
    return p;
  }

  /**
   * Makes `p` the page being read: only then may its next page be requested (one page ahead at most,
   * not a cascade of every page at once). Resolves with the page.
   */
  private activate(
    p: PendingPage<T>,
    options: ListOptions,
    limit: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<KubeList<T>> {
    p.active = true;
    if (p.nextCont) this.prefetch(p, options, limit, signal);
    return p.page;
  }

  private prefetch(p: PendingPage<T>, options: ListOptions, limit: number | undefined, signal?: AbortSignal): void {
    if (p.next || !p.nextCont || signal?.aborted) return;
    p.next = this.fetch(options, limit, p.nextCont, signal);
    p.next.page.catch(() => {}); // handled when awaited
  }

  /** The caller's limit, else the page size (none for 0). */
  private limit(options: ListOptions): number | undefined {
    return options.limit ?? (this.pageSize > 0 ? this.pageSize : undefined);
  }

  /**
   * The options of one page: a continued page carries the token but no resourceVersion(Match), which
   * the apiserver refuses along with a continue token.
   */
  private pageOptions(options: ListOptions, limit: number | undefined, cont: string | undefined): ListOptions {
    if (!cont) return { ...options, limit, continue: undefined };
    return { ...options, limit, continue: cont, resourceVersion: undefined, resourceVersionMatch: undefined };
  }
}

/** A page request in flight (overlapPages): its continue token once seen, and the next page's request. */
interface PendingPage<T> {
  cont: string | undefined;
  page: Promise<KubeList<T>>;
  active?: boolean;
  nextCont?: string;
  next?: PendingPage<T>;
}
