/**
 * compileRoutes: route definitions in, immutable route table out. Each definition is compiled on its own;
 * one that fails lands in `invalid` with Skipper's reason code and a message naming the route and the
 * culprit, and every other route keeps working. Pure: the same definitions give an equivalent table.
 *
 * Incremental: given the previous generation, definitions that did not change keep their compiled routes
 * and the path tree is patched instead of rebuilt, so one changed route among 40,000 costs milliseconds,
 * not a full compile. The result decides every request exactly as a full compile would.
 */
import type { RouteDef } from '../eskip/index.ts';
import type { FilterSpec } from './filter-contract.ts';
import type { Registry } from '../registry.ts';
import { compileRoute, newCompileScratch, sameContext, sharedFor, type CompileContext } from './compiled-route.ts';
import { Leaf, patchLeaf, type RouteEntry } from './leaf.ts';
import { IdIndex } from './id-index.ts';
import { inTree } from './route-entry.ts';
import { PathTree } from './path-tree.ts';
import { reconcileSteps } from './reconcile.ts';
import { runSliced, runSync, stepChunk, type SliceOptions, type Steps } from '../lifecycle/index.ts';
import { treePattern } from './route-predicates.ts';
import { CompiledRouteTable, type Family, type TableState } from './table.ts';
import { born, branched, completed, dropped, newLifetimes } from './route-lifetimes.ts';
import type { LoadBalancerFactory, PredicateSpec, RouteTable } from './types.ts';

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
  /**
   * Filters refused at route-build time (Skipper's -disabled-filters): a route using one is invalid with
   * reason `unknown_filter`. Pass the same Set object on every call, or compiled routes are not reused.
   */
  disabledFilters?: ReadonlySet<string>;
  /**
   * The generation this one replaces. A definition equal to the one of the same id there (the same object,
   * or equal field by field: see route-equality.ts) keeps its compiled route — predicate matchers, filter
   * instances, load balancer, backend URL — provided the registries, LB factory and trailing-slash mode are
   * the same objects/values as then. Filter instances then belong to both generations and are closed only
   * when the last live one holding them is released. Tables not made by compileRoutes are ignored.
   * Definitions are taken as immutable: an object passed again is not compared field by field.
   */
  previous?: RouteTable;
}

// Past this many changed routes (compiled plus dropped) per route, building the tree anew is as cheap as
// patching it: measured at 40,000 routes, both cost the same with about 10 % of the routes changed.
const patchLimit = 0.25;

/** Compiles `defs` into a frozen RouteTable. Never throws for a bad definition. */
export function compileRoutes(defs: readonly RouteDef[], opts: CompileOptions): CompiledRouteTable {
  return runSync(compileSteps(defs, opts));
}

/**
 * compileRoutes in slices: returns to the event loop every `sliceMs` (default 10 ms), so the table in use
 * keeps serving at full speed while this one is built. The result is the table compileRoutes would give.
 * Only one compile from a given previous generation may run at a time (the route pipeline runs one).
 */
export function compileRoutesSliced(defs: readonly RouteDef[], opts: CompileOptions & SliceOptions): Promise<CompiledRouteTable> {
  return runSliced(compileSteps(defs, opts), opts);
}

function* compileSteps(defs: readonly RouteDef[], opts: CompileOptions): Steps<CompiledRouteTable> {
  const ctx: CompileContext = { predicates: opts.predicates, filters: opts.filters, lbFactory: opts.lbFactory, ignoreTrailingSlash: opts.ignoreTrailingSlash ?? false,
    disabledFilters: opts.disabledFilters !== undefined && opts.disabledFilters.size > 0 ? opts.disabledFilters : null };
  const prevState = opts.previous === undefined ? null : CompiledRouteTable.stateOf(opts.previous);
  const base = prevState !== null && sameContext(prevState.ctx, ctx) ? prevState : null;
  const family: Family = base === null ? newFamily() : headed(base);
  const life = family.lifetimes;
  // From another generation than the latest (or a released one), kept routes are marked held again.
  const markKept = base !== null && base.serial !== life.latest;
  if (markKept && family.latest !== null) branched(life, family.latest.compiled);
  const serial = ++life.serial;
  // Until this compile completes, the family describes no generation: a throw must not leave it half-updated.
  family.head = null;
  const shared = sharedFor(base?.shared ?? null, defs.length);
  const scratch = newCompileScratch();
  const patternOf = (e: RouteEntry) => treePattern(e.route.def, ctx.ignoreTrailingSlash, scratch.patterns);
  const compileOne = (def: RouteDef): RouteEntry => {
    const c = compileRoute(def, ctx, shared, scratch);
    born(c, serial);
    return c;
  };
  const { compiled, routes, inputs, fresh, removed, invalid, inOrder } = yield* reconcileSteps(defs, base, family.byId, compileOne, markKept);
  const patch = base !== null && inOrder && fresh.length + removed.length <= patchLimit * Math.max(compiled.length, base.compiled.length);
  let tree: PathTree;
  let rootLeaf: Leaf;
  if (patch) {
    tree = base.tree.patch(fresh, removed, patternOf, ctx.ignoreTrailingSlash);
    rootLeaf = patchLeaf(base.rootLeaf, rootEntries(fresh), rootEntries(removed)) ?? new Leaf([]);
  } else {
    tree = yield* PathTree.buildSteps(compiled, patternOf, ctx.ignoreTrailingSlash);
    const outside: RouteEntry[] = [];
    for (let i = 0; i < compiled.length; i++) {
      if (i % (4 * stepChunk) === 4 * stepChunk - 1) yield;
      if (!inTree(compiled[i]!)) outside.push(compiled[i]!);
    }
    rootLeaf = new Leaf(outside);
  }
  // Routes are not counted one by one per generation: the family counts generations (route-lifetimes.ts).
  if (base !== null) dropped(life, removed, base.serial);
  const state: TableState = { ctx, family, serial, compiled, routes, defs: inputs, shared, tree, rootLeaf, released: false };
  family.head = state;
  family.latest = state;
  completed(life, serial);
  return new CompiledRouteTable(opts.generation ?? 0, state, invalid, {
    reused: compiled.length - fresh.length, compiled: fresh.length, invalid: invalid.length, tree: patch ? 'patched' : 'built',
  });
}

/**
 * The family of `base`, describing `base`: when another generation was compiled from the family since
 * (or a compile failed half-way), its id map and positions are rebuilt from `base`.
 */
function newFamily(): Family {
  return { byId: new IdIndex(), head: null, latest: null, lifetimes: newLifetimes() };
}

function headed(base: TableState): Family {
  const f = base.family;
  if (f.head === base) return f;
  f.byId = new IdIndex();
  base.compiled.forEach((c, i) => {
    c.seq = i;
    f.byId.set(c.route.id, c);
  });
  f.head = base;
  return f;
}

/** The entries of the routes outside the path tree, or null when there are none. */
function rootEntries(cs: readonly RouteEntry[]): RouteEntry[] | null {
  let out: RouteEntry[] | null = null;
  for (const c of cs) if (!inTree(c)) (out ??= []).push(c);
  return out;
}

/** A compile function, and optionally its sliced form (which the route pipeline prefers). */
export interface RouteCompiler {
  (defs: readonly RouteDef[], generation: number): RouteTable;
  readonly sliced?: (defs: readonly RouteDef[], generation: number) => Promise<RouteTable>;
}

/**
 * A compile function that hands each table it made to the next call as `previous`: what the route updater
 * calls once per merged route list. Its `sliced` form builds in slices (compileRoutesSliced); calls must
 * not overlap (the route pipeline runs one build at a time).
 */
export function incrementalCompiler(opts: Omit<CompileOptions, 'previous' | 'generation'> & SliceOptions): RouteCompiler {
  let previous: RouteTable | undefined;
  const sync = (defs: readonly RouteDef[], generation: number) => (previous = compileRoutes(defs, { ...opts, generation, previous }));
  return Object.assign(sync, {
    sliced: async (defs: readonly RouteDef[], generation: number) => (previous = await compileRoutesSliced(defs, { ...opts, generation, previous })),
  });
}
