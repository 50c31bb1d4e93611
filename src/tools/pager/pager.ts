// ListPager: list in pages of 500 (limit/continue) and join them; when the continue token expires
// mid-way (410), fall back to one full list, as client-go's pager does.
import { isGone, isResourceExpired } from '../../apimachinery/errors.js';
import type { KubeList, ListOptions } from '../../apimachinery/meta.js';

/** Lists one page. */
export type ListPageFunc<T> = (options: ListOptions, signal?: AbortSignal) => Promise<KubeList<T>>;

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

  constructor(private readonly pageFn: ListPageFunc<T>) {}

  /** All items (the list's metadata is the last page's); `paginated` tells whether more than one page was read. */
  async list(options: ListOptions = {}, signal?: AbortSignal): Promise<{ list: KubeList<T>; paginated: boolean }> {
    const limit = options.limit ?? (this.pageSize > 0 ? this.pageSize : undefined);
    const items: T[] = [];
    let cont: string | undefined;
    let pages = 0;
    for (;;) {
      let page: KubeList<T>;
      try {
        page = await this.pageFn(
          { ...options, limit, continue: cont, resourceVersion: cont ? undefined : options.resourceVersion },
          signal,
        );
      } catch (err) {
        if (cont && this.fullListIfExpired && (isResourceExpired(err) || isGone(err))) {
          const full = await this.pageFn({ ...options, limit: undefined, continue: undefined }, signal);
          return { list: full, paginated: true };
        }
        throw err;
      }
      pages++;
      for (const item of page.items ?? []) items.push(item);
      cont = page.metadata?.continue || undefined;
      if (!cont) return { list: { ...page, items }, paginated: pages > 1 };
    }
  }

  /** Calls `fn` for every item, page by page, without keeping them all. */
  async eachListItem(options: ListOptions, fn: (item: T) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    let cont: string | undefined;
    do {
      const page = await this.pageFn(
        {
          ...options,
          limit: this.pageSize || undefined,
          continue: cont,
          resourceVersion: cont ? undefined : options.resourceVersion,
        },
        signal,
      );
      for (const item of page.items ?? []) await fn(item);
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }
}
