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
import type { CreationCache } from './creation-cache.ts';

/** The compiled predicate part of a route. */
export interface CompiledPredicates {
  /** Null when the route has neither Path nor PathSubtree. */
  readonly pattern: PathPattern | null;
  /** Matchers in evaluation order: Method, Host, PathRegexp, Header, HeaderRegexp, then the others. */
  readonly matchers: readonly PredicateMatcher[];
  readonly weight: number;
  /** The hostnames any match is confined to (from one Host/HostAny predicate), or null. */
  readonly hostKeys: readonly string[] | null;
  /** Whether the creation cache had handed out every one of `matchers` before (see shared-instances.ts). */
  readonly repeated: boolean;
  /**
   * 0, or the `hostMatch` of the matcher that gave `hostKeys` ('key' 1, 'exact' 2), which is then
   * `matchers[0]`: the host index skips it for routes it found under their key (host-index.ts).
   */
  readonly hostRule: 0 | 1 | 2;
}

// Evaluation rank of the predicates Skipper checks before its custom ones.
const rank: Record<string, number> = { Method: 0, Host: 1, PathRegexp: 2, Header: 3, HeaderRegexp: 4 };

/**
 * Throws RouteDefinitionError (unknown_predicate / invalid_predicate_params) naming route and predicate.
 * `patterns` caches parsed path patterns by predicate and argument across the routes of one compile.
 */
export function compilePredicates(
  def: RouteDef, registry: Registry<PredicateSpec>, ignoreTrailingSlash: boolean, patterns: PatternCache = newPatternCache(), cache?: CreationCache,
): CompiledPredicates {
  let pattern: PathPattern | null = null;
  let weight = 0;
  let count = 0;
  let method: PredicateMatcher | null = null;
  // Whether the kept Method was a repeat (see `ranks` for the others).
  let methodRepeat = false;
  let hostKeys: readonly string[] | null = null;
  let hostRule: 0 | 1 | 2 = 0;
  let hostMatcher: PredicateMatcher | null = null;
  // Matchers with twice their evaluation rank, plus 1 when the creation cache had handed the matcher out
  // before, in the parallel scratch lists `matchers` and `ranks` (their first `n`); sorted once below (few
  // entries per route). Exact Header conditions and HeaderRegexp names go to their scratch lists first.
  let n = 0;
  let headers = 0;
  let regexpNames = 0;
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
    const before = cache === undefined ? 0 : cache.repeats;
    const m = create(def, p, spec, cache);
    const rep = cache !== undefined && cache.repeats !== before ? 1 : 0;
    if (spec.weight !== undefined) weight += spec.weight(p.args);
    if (hostKeys === null && m.hostKeys !== undefined) {
      hostKeys = m.hostKeys;
      if (m.hostMatch !== undefined) {
        hostRule = m.hostMatch === 'key' ? 1 : 2;
        hostMatcher = m;
      }
    }
    switch (p.name) {
      case 'Method':
        method = m;
        methodRepeat = rep === 1;
        break;
      case 'Header': {
        // Skipper stores exact header conditions in a map by canonical name: the last one wins (in the
        // place of the first, as a Map keeps it).
        const name = String(p.args[0]).toLowerCase();
        let i = 0;
        while (i < headers && scratchHeaderNames[i] !== name) i++;
        if (i === headers) scratchHeaderNames[headers++] = name;
        scratchHeaderMatchers[i] = m;
        scratchHeaderRepeats[i] = rep;
        break;
      }
      case 'HeaderRegexp': {
        const name = String(p.args[0]).toLowerCase();
        let i = 0;
        while (i < regexpNames && scratchRegexpNames[i] !== name) i++;
        if (i === regexpNames) scratchRegexpNames[regexpNames++] = name;
        scratchMatchers[n] = m;
        scratchRanks[n++] = 2 * rank[p.name]! + rep;
        break;
      }
      default:
        count++;
        scratchMatchers[n] = m;
        // The matcher the host index decides goes first (matchers are pure: the order changes no decision).
        scratchRanks[n++] = 2 * (m === hostMatcher ? -1 : rank[p.name] ?? 5) + rep;
    }
  }
  count += (method !== null ? 1 : 0) + headers + regexpNames;
  if (method !== null) {
    scratchMatchers[n] = method;
    scratchRanks[n++] = 2 * rank['Method']! + (methodRepeat ? 1 : 0);
  }
  for (let i = 0; i < headers; i++) {
    scratchMatchers[n] = scratchHeaderMatchers[i]!;
    scratchRanks[n++] = 2 * rank['Header']! + scratchHeaderRepeats[i]!;
  }
  let repeated = true;
  for (let i = 0; i < n; i++) if ((scratchRanks[i]! & 1) === 0) repeated = false;
  // Sized exactly: the route keeps the list.
  const matchers: PredicateMatcher[] = new Array(n);
  sortByRank(n, matchers);
  return { pattern, matchers, weight: weight + count, hostKeys, repeated, hostRule };
}

// Scratch lists of the route being compiled: a compile is synchronous and never nested, and two lists grown
// by push per route (each with spare room) were a tenth of compilePredicates' time at a million routes.
const scratchMatchers: PredicateMatcher[] = [];
const scratchRanks: number[] = [];
const scratchHeaderNames: string[] = [];
const scratchHeaderMatchers: PredicateMatcher[] = [];
const scratchHeaderRepeats: number[] = [];
const scratchRegexpNames: string[] = [];

/** Parsed Path and PathSubtree arguments of one compile, keyed by the argument itself (no key string to build). */
export interface PatternCache {
  readonly path: Map<string, PathPattern>;
  readonly subtree: Map<string, PathPattern>;
}

export function newPatternCache(): PatternCache {
  return { path: new Map(), subtree: new Map() };
}

/** The parsed Path/PathSubtree argument, from `cache` when parsed before. Throws InvalidArgsError. */
export function cachedPattern(name: string, arg: string, ignoreTrailingSlash: boolean, cache: PatternCache): PathPattern {
  const subtree = name === 'PathSubtree';
  const map = subtree ? cache.subtree : cache.path;
  let pattern = map.get(arg);
  if (pattern === undefined) map.set(arg, (pattern = parsePathPattern(name, arg, subtree, ignoreTrailingSlash)));
  return pattern;
}

/**
 * The tree pattern of a route compiled from `def` (whose Path/PathSubtree argument was validated then).
 * Patterns are not kept with the routes: most are distinct, and keeping them cost ≈ 400 B per route.
 */
export function treePattern(def: RouteDef, ignoreTrailingSlash: boolean, cache: PatternCache): PathPattern | null {
  for (const p of def.predicates) {
    if (p.name === 'Path' || p.name === 'PathSubtree') return cachedPattern(p.name, p.args[0] as string, ignoreTrailingSlash, cache);
  }
  return null;
}

/**
 * Stable insertion sort of the first `n` scratch matchers by their ranks (halved: the low bit is not part of
 * it), into `out`: lists are a handful long.
 */
function sortByRank(n: number, out: PredicateMatcher[]): void {
  const ranks = scratchRanks;
  for (let i = 0; i < n; i++) {
    const m = scratchMatchers[i]!;
    const r = ranks[i]!;
    let j = i - 1;
    while (j >= 0 && ranks[j]! >> 1 > r >> 1) {
      out[j + 1] = out[j]!;
      ranks[j + 1] = ranks[j]!;
      j--;
    }
    out[j + 1] = m;
    ranks[j + 1] = r;
  }
}

function create(def: RouteDef, p: PredicateCall, spec: PredicateSpec, cache?: CreationCache): PredicateMatcher {
  try {
    return spec.create(p.args, cache);
  } catch (e) {
    throw invalid(def, p, describe(e));
  }
}

function invalid(def: RouteDef, p: PredicateCall, why: string): RouteDefinitionError {
  return new RouteDefinitionError('invalid_predicate_params', `route ${def.id}: invalid arguments for predicate ${p.name}: ${why}`);
}
