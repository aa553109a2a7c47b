/** Creates the filter instances of one route definition (reasons `unknown_filter`, `invalid_filter_params`). */
import type { RouteDef } from '../eskip/index.ts';
import type { FilterInstance, FilterSpec } from './filter-contract.ts';
import type { Registry } from '../registry.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { PredicateSpec } from './types.ts';
import type { CreationCache } from './creation-cache.ts';

// Shared by every route without filters; never written to (compile freezes or replaces it).
const none: FilterInstance[] = [];

const treeOrLegacyPredicates = new Set(['Path', 'PathSubtree', 'Weight', 'Host', 'PathRegexp', 'Method', 'Header', 'HeaderRegexp']);

/** Which instances of the last createFilters call the creation cache had handed out before. */
export interface Repeats {
  /** Bit i: the i-th instance is a repeat (only the first 30 are told; later ones count as not). */
  filters: number;
}

/**
 * The route's filters in eskip order. On failure the instances created so far are closed. A filter named in
 * `disabled` fails the route as Skipper does (it leaves such filters out of its registry, hence the same
 * reason code `unknown_filter`), but the message says why, so the author is not left hunting for a typo.
 * `cache` is the compile's creation cache; `repeats` learns which instances came from it a second time.
 */
export function createFilters(def: RouteDef, filters: Registry<FilterSpec>, predicates: Registry<PredicateSpec>, disabled: ReadonlySet<string> | null = null,
  cache?: CreationCache, repeats?: Repeats): FilterInstance[] {
  let mask = 0;
  if (repeats !== undefined) repeats.filters = 0;
  if (def.filters.length === 0) return none;
  // Sized exactly: the route keeps this list.
  const out: FilterInstance[] = new Array(def.filters.length);
  let n = 0;
  try {
    for (const f of def.filters) {
      if (disabled !== null && disabled.has(f.name)) {
        throw new RouteDefinitionError('unknown_filter', `route ${def.id}: filter ${JSON.stringify(f.name)} is disabled on this instance (-disabled-filters)`);
      }
      const spec = filters.get(f.name);
      if (spec === undefined) {
        const asPredicate = treeOrLegacyPredicates.has(f.name) || predicates.get(f.name) !== undefined;
        throw new RouteDefinitionError('unknown_filter', asPredicate
          ? `route ${def.id}: trying to use ${JSON.stringify(f.name)} as filter, but it is only available as predicate`
          : `route ${def.id}: filter ${JSON.stringify(f.name)} not found`);
      }
      try {
        const before = cache === undefined ? 0 : cache.repeats;
        out[n] = spec.create(f.args, cache);
        if (cache !== undefined && cache.repeats !== before && n < 30) mask |= 1 << n;
        n++;
      } catch (e) {
        throw new RouteDefinitionError('invalid_filter_params', `route ${def.id}: failed to create filter ${JSON.stringify(f.name)}: ${describe(e)}`);
      }
    }
  } catch (e) {
    out.length = n;
    closeFilters(out);
    throw e;
  }
  if (repeats !== undefined) repeats.filters = mask;
  return out;
}

/** Calls close() on every instance that has one; a failing close does not stop the others. */
export function closeFilters(fs: readonly FilterInstance[]): void {
  for (const f of fs) {
    try {
      f.close?.();
    } catch {
      // A filter that fails to release must not keep the rest of the generation alive.
    }
  }
}
