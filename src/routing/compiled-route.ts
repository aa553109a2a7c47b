/**
 * Compiling one route definition into a RouteEntry (when its filter instances are closed: route-lifetimes.ts).
 */
import type { RouteDef } from '../eskip/index.ts';
import type { FilterInstance, FilterSpec } from './filter-contract.ts';
import type { Registry } from '../registry.ts';
import type { ParamNames, RouteEntry } from './leaf.ts';
import { hostByKeyFlag, hostExactFlag, hostOnlyFlag, inTreeFlag, nextMatcher } from './route-entry.ts';
import type { PathPattern } from './path-pattern.ts';
import { compileBackend } from './route-backend.ts';
import { closeFilters, createFilters, type Repeats } from './route-filters.ts';
import { compilePredicates, newPatternCache, type PatternCache } from './route-predicates.ts';
import type { LoadBalancerFactory, PredicateMatcher, PredicateSpec, Route } from './types.ts';
import { sharedList, newSharedLists, type SharedLists } from './shared-instances.ts';
import { CreationCache } from './creation-cache.ts';
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

/** What the routes of one compile share while it runs; dropped when it ends. */
export interface CompileScratch {
  readonly patterns: PatternCache;
  /** ParamNames by pattern (see paramNames). */
  readonly params: Map<PathPattern, ParamNames>;
  readonly lists: SharedLists;
  readonly cache: CreationCache;
  readonly repeats: Repeats;
}

export function newCompileScratch(): CompileScratch {
  return { patterns: newPatternCache(), params: new Map(), lists: newSharedLists(), cache: new CreationCache(), repeats: { filters: 0 } };
}

/**
 * Compiles one definition; throws RouteDefinitionError. Skipper's order of checks: backend, then filters,
 * then predicates; it decides which reason a route with several problems gets.
 */
export function compileRoute(def: RouteDef, ctx: CompileContext, shared: Shared, scratch: CompileScratch = newCompileScratch()): RouteEntry {
  const { lists, repeats } = scratch;
  const { backendUrl, lb } = compileBackend(def, ctx.lbFactory, shared.urls);
  const filters = createFilters(def, ctx.filters, ctx.predicates, ctx.disabledFilters, scratch.cache, repeats);
  const mask = repeats.filters;
  let preds;
  try {
    preds = compilePredicates(def, ctx.predicates, ctx.ignoreTrailingSlash, scratch.patterns, scratch.cache);
  } catch (e) {
    closeFilters(filters);
    throw e;
  }
  // Lists sized exactly and shared where they are equal (and hold repeated instances only): a million routes
  // hold four of them each.
  const list = filters.length === 0 ? noFilters : sharedList(filters, allBits(mask, filters.length), lists);
  const route: Route = Object.freeze({
    id: def.id,
    def,
    filters: list,
    requestFilters: hooks(list, mask, true, lists),
    responseFilters: hooks(list, mask, false, lists),
    backendUrl,
    lb,
  });
  const p = preds.pattern;
  const flags = (p !== null ? inTreeFlag : 0) | (preds.hostRule === 1 ? hostByKeyFlag : preds.hostRule === 2 ? hostExactFlag : 0)
    | (preds.hostRule !== 0 && preds.matchers.length === 1 ? hostOnlyFlag : 0);
  return {
    route, matchers: preds.matchers.length === 0 ? noMatchers : sharedList(preds.matchers as PredicateMatcher[], preds.repeated, lists), weight: preds.weight,
    params: p === null || p.names.length === 0 ? null : paramNames(p, shared.params, scratch.params), hostKeys: preds.hostKeys,
    flags, next: nextMatcher(preds.matchers, flags), born: 0, last: open, seq: -1,
  };
}

/** Whether bits 0…n-1 of `mask` are all set (lists longer than the mask count as not). */
function allBits(mask: number, n: number): boolean {
  return n <= 30 && (mask & ((1 << n) - 1)) === (1 << n) - 1;
}

/**
 * The filters with a request hook in order, or with a response hook in reverse; null when none. Bit i of
 * `mask`: filters[i] is a repeated instance.
 */
function hooks(filters: readonly FilterInstance[], mask: number, request: boolean, lists: SharedLists): readonly FilterInstance[] | null {
  let n = 0;
  let used = 0;
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i]!;
    if ((request ? f.request : f.response) === undefined) continue;
    n++;
    if (i < 30) used |= 1 << i;
  }
  if (n === 0) return null;
  if (request && n === filters.length) return filters;
  const out: FilterInstance[] = new Array(n);
  let k = request ? 0 : n - 1;
  for (const f of filters) {
    if ((request ? f.request : f.response) === undefined) continue;
    out[k] = f;
    k += request ? 1 : -1;
  }
  return sharedList(out, filters.length <= 30 && (mask & used) === used, lists);
}

const noMatchers: readonly PredicateMatcher[] = Object.freeze([]);

function paramNames(p: PathPattern, cache: Map<string, ParamNames>, byPattern: Map<PathPattern, ParamNames>): ParamNames {
  const known = byPattern.get(p);
  if (known !== undefined) return known;
  const key = `${p.subtree ? 's' : 'p'}${p.freeName !== null ? 'f' : ''}:${p.names.join('/')}`;
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = Object.freeze({ names: Object.freeze(p.names.slice()), free: p.freeName !== null, subtree: p.subtree })));
  byPattern.set(p, v);
  return v;
}
