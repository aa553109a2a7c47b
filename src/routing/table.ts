/**
 * The compiled, immutable route table of one generation: the path tree for routes with Path/PathSubtree,
 * one precedence-ordered list for the rest (consulted only when the tree has no match, as in Skipper).
 */
import type { RouteDef } from '../eskip/index.ts';
import { hostHash, hostKey } from './host-key.ts';
import type { CompileContext, Shared } from './compiled-route.ts';
import { released, type Lifetimes } from './route-lifetimes.ts';
import type { Leaf, RouteEntry } from './leaf.ts';
import type { IdIndex } from './id-index.ts';
import { cleanPath, unescapeParam } from './path-pattern.ts';
import type { PathTree } from './path-tree.ts';
import type { InvalidRoute, Route, RouteMatch, RouteTable, RoutingRequest } from './types.ts';

const noParams: Readonly<Record<string, string>> = Object.freeze({});

// Wildcard values of the lookup in progress. Lookups are synchronous and never nested (matchers do not
// route), so one array serves them all.
const scratch: string[] = [];

/**
 * Generations that share compiled routes. `byId` and the routes' `seq` describe `head`, the generation
 * compiled last; a compile from any other member rebuilds them first.
 */
export interface Family {
  byId: IdIndex;
  head: TableState | null;
  /** The generation compiled last (`head` is null while a compile runs or after one failed). */
  latest: TableState | null;
  readonly lifetimes: Lifetimes;
}

/** What the next generation's compile reuses. */
export interface TableState {
  readonly ctx: CompileContext;
  readonly family: Family;
  /** Its serial in the family (route-lifetimes.ts). */
  readonly serial: number;
  /** The valid routes in definition order. */
  readonly compiled: readonly RouteEntry[];
  /** Their Route objects, the same order (the table's `routes`). */
  readonly routes: readonly Route[];
  /** The definition objects they were compiled or kept for, as the caller passed them, the same order. */
  readonly defs: readonly RouteDef[];
  readonly shared: Shared;
  readonly tree: PathTree;
  /** The routes without Path/PathSubtree, one precedence-ordered list (Skipper: "the root … is a single leaf"). */
  readonly rootLeaf: Leaf;
  /** Set by release(). */
  released: boolean;
}

/** How a table was made, for logs and tests. */
export interface CompileStats {
  /** Routes kept from the previous generation. */
  readonly reused: number;
  /** Routes compiled afresh. */
  readonly compiled: number;
  readonly invalid: number;
  /** Whether the path tree was patched from the previous generation or built anew. */
  readonly tree: 'built' | 'patched';
}

export class CompiledRouteTable implements RouteTable {
  readonly generation: number;
  readonly routes: readonly Route[];
  readonly invalid: readonly InvalidRoute[];
  readonly stats: CompileStats;
  readonly #state: TableState;
  readonly #tree: PathTree;
  readonly #rootLeaf: Leaf;
  readonly #ignoreTrailingSlash: boolean;
  #released = false;

  /** The caller (compileSteps) has counted this generation as live in its family (see release()). */
  constructor(generation: number, state: TableState, invalid: InvalidRoute[], stats: CompileStats) {
    this.generation = generation;
    this.#state = state;
    this.routes = Object.freeze(state.routes);
    this.invalid = Object.freeze(invalid.map((i) => Object.freeze(i)));
    this.stats = Object.freeze(stats);
    this.#ignoreTrailingSlash = state.ctx.ignoreTrailingSlash;
    this.#tree = state.tree;
    this.#rootLeaf = state.rootLeaf;
    Object.freeze(this);
  }

  /** The reusable state of `t`, when it is a table compileRoutes made; for the next compile only. */
  static stateOf(t: RouteTable): TableState | null {
    return #state in t ? t.#state : null;
  }

  /** Whether release() ran: routes with filters that no live generation holds are closed then. */
  get released(): boolean {
    return this.#released;
  }

  lookup(req: RoutingRequest): RouteMatch | null {
    let path = cleanPath(req.path);
    // PathRegexp still sees the trailing slash: it cleans req.path itself.
    if (this.#ignoreTrailingSlash && path.length > 1 && path.charCodeAt(path.length - 1) === 47) path = path.slice(0, -1);
    const hk = hostKey(req.host);
    const hash = hostHash(hk);
    scratch.length = 0;
    const m = this.#tree.lookup(req, path, hk, hash, scratch);
    if (m !== null) return { route: m.route, params: params(m, scratch) };
    const e = this.#rootLeaf.find(req, hk, hash);
    return e === null ? null : { route: e.route, params: noParams };
  }

  /**
   * Gives up this generation's share of its routes; runs once. Filter instances are closed when no other
   * live generation holds them: a route kept unchanged by a newer generation keeps its instances open.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#state.released = true;
    released(this.#state.family.lifetimes, this.#state.serial, this.#state.compiled);
  }
}

/** Names the tree's wildcard values after the matched route's own pattern (Skipper's matchPathTree). */
function params(e: RouteEntry, values: string[]): Readonly<Record<string, string>> {
  const p = e.params;
  if (p === null) return noParams;
  const names = p.names;
  // `values` is the lookup's scratch list: it may be extended here, and is not kept.
  const vals = values;
  // A subtree matched at its base has no free-wildcard value yet: it is the empty sub-path.
  if (p.subtree && vals.length + 1 === names.length) vals.push('');
  const out: Record<string, string> = {};
  const n = Math.min(vals.length, names.length);
  for (let i = 0; i < n; i++) out[names[i]!] = unescapeParam(vals[i]!);
  if (n > 0 && p.free) out[names[names.length - 1]!] = '/' + unescapeParam(vals[vals.length - 1]!);
  return out;
}
