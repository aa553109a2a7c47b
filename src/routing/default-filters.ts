/** Skipper's -default-filters-prepend / -default-filters-append: filters put around every route's own. */
import type { FilterCall, RouteDef } from '../eskip/index.ts';
import type { RoutePreprocessor } from './pipeline.ts';

export interface DefaultFilters {
  prepend: readonly FilterCall[];
  append: readonly FilterCall[];
}

// One wrapped definition per (defaults, definition) pair: an unchanged route keeps its object identity across
// updates, which lets the incremental route table compile reuse it instead of comparing it field by field.
const wrapped = new WeakMap<DefaultFilters, WeakMap<RouteDef, RouteDef>>();

/** Puts the default filters around a route's own filters. Returns the route itself when there are none. */
export function withDefaultFilters(def: RouteDef, d: DefaultFilters | undefined): RouteDef {
  if (d === undefined || (d.prepend.length === 0 && d.append.length === 0)) return def;
  let cache = wrapped.get(d);
  if (cache === undefined) wrapped.set(d, (cache = new WeakMap()));
  let w = cache.get(def);
  if (w === undefined) cache.set(def, (w = { ...def, filters: [...d.prepend, ...def.filters, ...d.append] }));
  return w;
}

/** The pre-processor; null when there are no default filters. */
export function defaultFiltersPreprocessor(d: DefaultFilters): RoutePreprocessor | null {
  if (d.prepend.length === 0 && d.append.length === 0) return null;
  return { name: 'default filters', process: (defs) => defs.map((def) => withDefaultFilters(def, d)) };
}
