/**
 * The compiled, immutable route table of one generation: the path tree for routes with Path/PathSubtree,
 * one precedence-ordered list for the rest (consulted only when the tree has no match, as in Skipper).
 */
import { hostKey } from '../predicates/host-pattern.ts';
import { Leaf, type RouteEntry } from './leaf.ts';
import { cleanPath, unescapeParam, type PathPattern } from './path-pattern.ts';
import { PathTree } from './path-tree.ts';
import { closeFilters } from './route-filters.ts';
import type { InvalidRoute, Route, RouteMatch, RouteTable, RoutingRequest } from './types.ts';

const noParams: Readonly<Record<string, string>> = Object.freeze({});

// Wildcard values of the lookup in progress. Lookups are synchronous and never nested (matchers do not
// route), so one array serves them all.
const scratch: string[] = [];

export class CompiledRouteTable implements RouteTable {
  readonly generation: number;
  readonly routes: readonly Route[];
  readonly invalid: readonly InvalidRoute[];
  readonly #tree: PathTree;
  readonly #rootLeaf: Leaf;
  readonly #ignoreTrailingSlash: boolean;
  #released = false;

  /** `compiled` pairs each entry with its path pattern, which only the tree build needs. */
  constructor(generation: number, compiled: { entry: RouteEntry; pattern: PathPattern | null }[], invalid: InvalidRoute[], ignoreTrailingSlash: boolean) {
    this.generation = generation;
    const entries = compiled.map((c) => c.entry);
    this.routes = Object.freeze(entries.map((e) => e.route));
    this.invalid = Object.freeze(invalid.map((i) => Object.freeze(i)));
    this.#ignoreTrailingSlash = ignoreTrailingSlash;
    this.#tree = new PathTree(compiled, ignoreTrailingSlash);
    this.#rootLeaf = new Leaf(entries.filter((e) => !e.inTree));
    Object.freeze(this);
  }

  lookup(req: RoutingRequest): RouteMatch | null {
    let path = cleanPath(req.path);
    // PathRegexp still sees the trailing slash: it cleans req.path itself.
    if (this.#ignoreTrailingSlash && path.length > 1 && path.charCodeAt(path.length - 1) === 47) path = path.slice(0, -1);
    const hk = hostKey(req.host);
    scratch.length = 0;
    const m = this.#tree.lookup(req, path, hk, scratch);
    if (m !== null) return { route: m.route, params: params(m, scratch) };
    const e = this.#rootLeaf.find(req, hk);
    return e === null ? null : { route: e.route, params: noParams };
  }

  /** Closes the filter instances of this generation; runs once. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const r of this.routes) closeFilters(r.filters);
  }
}

/** Names the tree's wildcard values after the matched route's own pattern (Skipper's matchPathTree). */
function params(e: RouteEntry, values: readonly string[]): Readonly<Record<string, string>> {
  const p = e.params;
  if (p === null) return noParams;
  const names = p.names;
  const vals = values.slice();
  // A subtree matched at its base has no free-wildcard value yet: it is the empty sub-path.
  if (p.subtree && vals.length + 1 === names.length) vals.push('');
  const out: Record<string, string> = {};
  const n = Math.min(vals.length, names.length);
  for (let i = 0; i < n; i++) out[names[i]!] = unescapeParam(vals[i]!);
  if (n > 0 && p.free) out[names[names.length - 1]!] = '/' + unescapeParam(vals[vals.length - 1]!);
  return out;
}
