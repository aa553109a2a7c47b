/**
 * compileRoutes: route definitions in, immutable route table out. Each definition is compiled on its own;
 * one that fails lands in `invalid` with Skipper's reason code and a message naming the route and the
 * culprit, and every other route keeps working. Pure: the same definitions give an equivalent table.
 */
import type { RouteDef } from '../eskip/ast.ts';
import type { FilterInstance, FilterSpec } from '../filters/types.ts';
import type { Registry } from '../registry.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { ParamNames, RouteEntry } from './leaf.ts';
import type { PathPattern } from './path-pattern.ts';
import { compileBackend } from './route-backend.ts';
import { closeFilters, createFilters } from './route-filters.ts';
import { compilePredicates } from './route-predicates.ts';
import { CompiledRouteTable } from './table.ts';
import type { InvalidRoute, LoadBalancerFactory, PredicateSpec, Route, RouteTable } from './types.ts';

export interface CompileOptions {
  predicates: Registry<PredicateSpec>;
  filters: Registry<FilterSpec>;
  /** Builds the load balancer of LB routes; without it they get a plain {algorithm, endpoints}. */
  lbFactory?: LoadBalancerFactory;
  generation?: number;
  /**
   * Treat "/a" and "/a/" alike in Path (Skipper's -ignore-trailing-slash). Off by default, as in Skipper;
   * PathSubtree ignores its trailing slash either way.
   */
  ignoreTrailingSlash?: boolean;
}

/** Compiles `defs` into a frozen RouteTable. Never throws for a bad definition. */
export function compileRoutes(defs: readonly RouteDef[], opts: CompileOptions): RouteTable {
  const ignoreTrailingSlash = opts.ignoreTrailingSlash ?? false;
  const compiled: Compiled[] = [];
  const shared: Shared = { urls: new Map(), params: new Map(), patterns: new Map() };
  const invalid: InvalidRoute[] = [];
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.id)) {
      invalid.push({ id: def.id, reason: 'duplicate_route_id', message: `route ${def.id}: duplicate route id, the first definition is used`, def });
      continue;
    }
    seen.add(def.id);
    try {
      compiled.push(compileRoute(def, opts, shared, ignoreTrailingSlash));
    } catch (e) {
      if (e instanceof RouteDefinitionError) invalid.push({ id: def.id, reason: e.reason, message: e.message, def });
      else invalid.push({ id: def.id, reason: 'invalid_predicate_params', message: `route ${def.id}: ${describe(e)}`, def });
    }
  }
  return new CompiledRouteTable(opts.generation ?? 0, compiled, invalid, ignoreTrailingSlash);
}

const noFilters: readonly FilterInstance[] = Object.freeze([]);

interface Compiled { entry: RouteEntry; pattern: PathPattern | null }

/** Immutable values that routes of one compile share instead of each holding a copy. */
interface Shared { urls: Map<string, URL>; params: Map<string, ParamNames>; patterns: Map<string, PathPattern> }

// Skipper's order of checks: backend, then filters, then predicates; it decides which reason a route
// with several problems gets.
function compileRoute(def: RouteDef, opts: CompileOptions, shared: Shared, ignoreTrailingSlash: boolean): Compiled {
  const { backendUrl, lb } = compileBackend(def, opts.lbFactory, shared.urls);
  const filters = createFilters(def, opts.filters, opts.predicates);
  let preds;
  try {
    preds = compilePredicates(def, opts.predicates, ignoreTrailingSlash, shared.patterns);
  } catch (e) {
    closeFilters(filters);
    throw e;
  }
  const requestFilters = filters.length === 0 ? filters : filters.filter((f) => f.request !== undefined);
  const responseFilters = filters.length === 0 ? filters : filters.filter((f) => f.response !== undefined).reverse();
  const route: Route = Object.freeze({
    id: def.id,
    def,
    filters: filters.length === 0 ? noFilters : Object.freeze(filters.slice()),
    requestFilters: requestFilters.length === 0 ? null : Object.freeze(requestFilters),
    responseFilters: responseFilters.length === 0 ? null : Object.freeze(responseFilters),
    backendUrl,
    lb,
  });
  const p = preds.pattern;
  const entry: RouteEntry = Object.freeze({
    route, matchers: Object.freeze(preds.matchers), weight: preds.weight, inTree: p !== null,
    params: p === null || p.names.length === 0 ? null : paramNames(p, shared.params), hostKeys: preds.hostKeys,
  });
  return { entry, pattern: p };
}

function paramNames(p: PathPattern, cache: Map<string, ParamNames>): ParamNames {
  const key = `${p.subtree ? 's' : 'p'}${p.freeName !== null ? 'f' : ''}:${p.names.join('/')}`;
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = Object.freeze({ names: Object.freeze(p.names.slice()), free: p.freeName !== null, subtree: p.subtree })));
  return v;
}
