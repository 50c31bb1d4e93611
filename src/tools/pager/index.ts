// kube-client/tools/pager: layer 4. Paged lists with the full-list fallback.
export { DEFAULT_PAGE_SIZE, type ListPageFunc, ListPager } from './pager.js';
