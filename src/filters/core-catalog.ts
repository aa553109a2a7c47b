/** Filters that work on headers, paths, queries, cookies, redirects and static content. */
import type { FilterSpec } from './types.ts';

export const coreFilters: readonly FilterSpec[] = [];
