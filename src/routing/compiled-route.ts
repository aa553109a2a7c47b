/**
 * Compiling one route definition into a RouteEntry (its lifetime across generations: route-lifetimes.ts).
 */
import type { RouteDef } from '../eskip/index.ts';
import type { FilterInstance, FilterSpec } from './filter-contract.ts';
import type { Registry } from '../registry.ts';
import type { ParamNames, RouteEntry } from './leaf.ts';
import type { PathPattern } from './path-pattern.ts';
import { compileBackend } from './route-backend.ts';
import { closeFilters, createFilters } from './route-filters.ts';
import { compilePredicates } from './route-predicates.ts';
import type { LoadBalancerFactory, PredicateMatcher, PredicateSpec, Route } from './types.ts';
import { sharedList, newSharedLists, type SharedLists } from './shared-instances.ts';
import { open } from './route-lifetimes.ts';

/** Everything besides the definition that a compiled route depends on; routes are kept only when it is the same. */
export interface CompileContext {
  readonly predicates: Registry<PredicateSpec>;
  readonly filters: Registry<FilterSpec>;
  readonly lbFactory: LoadBalancerFactory | undefined;
  readonly ignoreTrailingSlash: boolean;
  /** Filter names this instance refuses (`-disabled-filters`); null when none are. */
  readonly disabledFilters: ReadonlySet<string> | null;
}

export function sameContext(a: CompileContext, b: CompileContext): boolean {
  return a.predicates === b.predicates && a.filters === b.filters && a.lbFactory === b.lbFactory && a.ignoreTrailingSlash === b.ignoreTrailingSlash
    && a.disabledFilters === b.disabledFilters;
}

/** Immutable values that routes share instead of each holding a copy; carried from generation to generation. */
export interface Shared {
  readonly urls: Map<string, URL>;
  readonly params: Map<string, ParamNames>;
}

export function newShared(): Shared {
  return { urls: new Map(), params: new Map() };
}

/** Caches that outgrew the live routes (churn) start afresh; the routes keep their values either way. */
export function sharedFor(prev: Shared | null, routeCount: number): Shared {
  if (prev === null) return newShared();
  const limit = 4 * routeCount + 10_000;
  return prev.urls.size > limit || prev.params.size > limit ? newShared() : prev;
}

const noFilters: readonly FilterInstance[] = Object.freeze([]);

/**
 * Compiles one definition; throws RouteDefinitionError. `patterns` caches path patterns for one compile. Skipper's order of checks: backend, then filters,
 * then predicates; it decides which reason a route with several problems gets.
 */
export function compileRoute(def: RouteDef, ctx: CompileContext, shared: Shared, patterns: Map<string, PathPattern>,
  lists: SharedLists = newSharedLists()): RouteEntry {
  const { backendUrl, lb } = compileBackend(def, ctx.lbFactory, shared.urls);
  const filters = createFilters(def, ctx.filters, ctx.predicates, ctx.disabledFilters);
  let preds;
  try {
    preds = compilePredicates(def, ctx.predicates, ctx.ignoreTrailingSlash, patterns);
  } catch (e) {
    closeFilters(filters);
    throw e;
  }
  // Lists sized exactly and shared where they are equal (and hold shared instances only): a million routes
  // hold four of them each.
  const list = filters.length === 0 ? noFilters : sharedList(filters, lists);
  const route: Route = Object.freeze({
    id: def.id,
    def,
    filters: list,
    requestFilters: hooks(list, true, lists),
    responseFilters: hooks(list, false, lists),
    backendUrl,
    lb,
  });
  const p = preds.pattern;
  return {
    route, matchers: preds.matchers.length === 0 ? noMatchers : sharedList(preds.matchers as PredicateMatcher[], lists), weight: preds.weight,
    params: p === null || p.names.length === 0 ? null : paramNames(p, shared.params), hostKeys: preds.hostKeys,
    inTree: p !== null, born: 0, last: open, seq: -1,
  };
}

/** The filters with a request hook in order, or with a response hook in reverse; null when none. */
function hooks(filters: readonly FilterInstance[], request: boolean, lists: SharedLists): readonly FilterInstance[] | null {
  let n = 0;
  for (const f of filters) if ((request ? f.request : f.response) !== undefined) n++;
  if (n === 0) return null;
  if (request && n === filters.length) return filters;
  const out: FilterInstance[] = new Array(n);
  let k = request ? 0 : n - 1;
  for (const f of filters) {
    if ((request ? f.request : f.response) === undefined) continue;
    out[k] = f;
    k += request ? 1 : -1;
  }
  return sharedList(out, lists);
}

const noMatchers: readonly PredicateMatcher[] = Object.freeze([]);

function paramNames(p: PathPattern, cache: Map<string, ParamNames>): ParamNames {
  const key = `${p.subtree ? 's' : 'p'}${p.freeName !== null ? 'f' : ''}:${p.names.join('/')}`;
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = Object.freeze({ names: Object.freeze(p.names.slice()), free: p.freeName !== null, subtree: p.subtree })));
  return v;
}
