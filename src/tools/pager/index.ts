// kube-client/tools/pager: the cache layer. Paged lists with the full-list fallback.
export { DEFAULT_PAGE_SIZE, type ListPageFunc, ListPager } from './pager.js';
