/**
 * Compiles the predicates of one route definition the way Skipper's routing does: Path and PathSubtree
 * go to the path tree, Weight adds to the precedence, the last Method and the last Header per name win,
 * and the rest become matchers. The precedence of a route is its Weight sum plus its predicate count,
 * where Method counts once and Header/HeaderRegexp count once per header name.
 */
import type { PredicateCall, RouteDef } from '../eskip/index.ts';
import type { Registry } from '../registry.ts';
import { weightSpec } from './weight.ts';
import { parsePathPattern, type PathPattern } from './path-pattern.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { PredicateMatcher, PredicateSpec } from './types.ts';

/** The compiled predicate part of a route. */
export interface CompiledPredicates {
  /** Null when the route has neither Path nor PathSubtree. */
  readonly pattern: PathPattern | null;
  /** Matchers in evaluation order: Method, Host, PathRegexp, Header, HeaderRegexp, then the others. */
  readonly matchers: readonly PredicateMatcher[];
  readonly weight: number;
  /** The hostnames any match is confined to (from one Host/HostAny predicate), or null. */
  readonly hostKeys: readonly string[] | null;
}

// Evaluation rank of the predicates Skipper checks before its custom ones.
const rank: Record<string, number> = { Method: 0, Host: 1, PathRegexp: 2, Header: 3, HeaderRegexp: 4 };

/**
 * Throws RouteDefinitionError (unknown_predicate / invalid_predicate_params) naming route and predicate.
 * `patterns` caches parsed path patterns by predicate and argument across the routes of one compile.
 */
export function compilePredicates(
  def: RouteDef, registry: Registry<PredicateSpec>, ignoreTrailingSlash: boolean, patterns: Map<string, PathPattern> = new Map(),
): CompiledPredicates {
  let pattern: PathPattern | null = null;
  let weight = 0;
  let count = 0;
  let method: PredicateMatcher | null = null;
  let hostKeys: readonly string[] | null = null;
  let headers: Map<string, PredicateMatcher> | null = null;
  let headerRegexpNames: Set<string> | null = null;
  // Matchers with their evaluation rank, in parallel arrays; sorted once below (few entries per route).
  const matchers: PredicateMatcher[] = [];
  const ranks: number[] = [];
  for (const p of def.predicates) {
    if (p.name === 'Path' || p.name === 'PathSubtree') {
      if (pattern !== null) throw invalid(def, p, 'multiple tree predicates (Path, PathSubtree) in the route');
      const arg = p.args[0];
      if (p.args.length !== 1 || typeof arg !== 'string') throw invalid(def, p, 'expected one string argument');
      try {
        pattern = cachedPattern(p.name, arg, ignoreTrailingSlash, patterns);
      } catch (e) {
        throw invalid(def, p, describe(e));
      }
      continue;
    }
    if (p.name === 'Weight') {
      create(def, p, weightSpec);
      weight += weightSpec.weight!(p.args);
      continue;
    }
    const spec = registry.get(p.name);
    if (spec === undefined) {
      throw new RouteDefinitionError('unknown_predicate', `route ${def.id}: predicate ${JSON.stringify(p.name)} not found`);
    }
    const m = create(def, p, spec);
    if (spec.weight !== undefined) weight += spec.weight(p.args);
    if (hostKeys === null && m.hostKeys !== undefined) hostKeys = m.hostKeys;
    switch (p.name) {
      case 'Method':
        method = m;
        break;
      case 'Header':
        // Skipper stores exact header conditions in a map by canonical name: the last one wins.
        (headers ??= new Map()).set(String(p.args[0]).toLowerCase(), m);
        break;
      case 'HeaderRegexp':
        (headerRegexpNames ??= new Set()).add(String(p.args[0]).toLowerCase());
        matchers.push(m);
        ranks.push(rank[p.name]!);
        break;
      default:
        count++;
        matchers.push(m);
        ranks.push(rank[p.name] ?? 5);
    }
  }
  count += (method !== null ? 1 : 0) + (headers?.size ?? 0) + (headerRegexpNames?.size ?? 0);
  if (method !== null) {
    matchers.push(method);
    ranks.push(rank['Method']!);
  }
  if (headers !== null) {
    for (const m of headers.values()) {
      matchers.push(m);
      ranks.push(rank['Header']!);
    }
  }
  sortByRank(matchers, ranks);
  // slice() sizes the list exactly; push leaves spare capacity, which the table would keep per route.
  return { pattern, matchers: matchers.slice(), weight: weight + count, hostKeys };
}

/** The parsed Path/PathSubtree argument, from `cache` when parsed before. Throws InvalidArgsError. */
export function cachedPattern(name: string, arg: string, ignoreTrailingSlash: boolean, cache: Map<string, PathPattern>): PathPattern {
  const key = name + ' ' + arg;
  let pattern = cache.get(key);
  if (pattern === undefined) cache.set(key, (pattern = parsePathPattern(name, arg, name === 'PathSubtree', ignoreTrailingSlash)));
  return pattern;
}

/**
 * The tree pattern of a route compiled from `def` (whose Path/PathSubtree argument was validated then).
 * Patterns are not kept with the routes: most are distinct, and keeping them cost ≈ 400 B per route.
 */
export function treePattern(def: RouteDef, ignoreTrailingSlash: boolean, cache: Map<string, PathPattern>): PathPattern | null {
  for (const p of def.predicates) {
    if (p.name === 'Path' || p.name === 'PathSubtree') return cachedPattern(p.name, p.args[0] as string, ignoreTrailingSlash, cache);
  }
  return null;
}

/** Stable insertion sort of `ms` by `ranks`, in place: lists are a handful long. */
function sortByRank(ms: PredicateMatcher[], ranks: number[]): void {
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i]!;
    const r = ranks[i]!;
    let j = i - 1;
    while (j >= 0 && ranks[j]! > r) {
      ms[j + 1] = ms[j]!;
      ranks[j + 1] = ranks[j]!;
      j--;
    }
    ms[j + 1] = m;
    ranks[j + 1] = r;
  }
}

function create(def: RouteDef, p: PredicateCall, spec: PredicateSpec): PredicateMatcher {
  try {
    return spec.create(p.args);
  } catch (e) {
    throw invalid(def, p, describe(e));
  }
}

function invalid(def: RouteDef, p: PredicateCall, why: string): RouteDefinitionError {
  return new RouteDefinitionError('invalid_predicate_params', `route ${def.id}: invalid arguments for predicate ${p.name}: ${why}`);
}
