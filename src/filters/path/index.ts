/** Path and query filters: modPath, setPath, redirects, query edits, query ↔ header. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { modPath, setPath } from './mod-path.ts';
import { headerToQuery, queryToHeader } from './query-header.ts';
import { dropQuery, setQuery } from './query.ts';
import { redirectTo, redirectToLower } from './redirect.ts';
import { stripQuery } from './strip-query.ts';


/** The path family; it needs nothing from the process. */
export function pathFilters(): FilterSpec[] {
  return [modPath, setPath, redirectTo, redirectToLower, setQuery, dropQuery, stripQuery, queryToHeader, headerToQuery];
}
