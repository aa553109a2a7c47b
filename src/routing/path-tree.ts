/**
 * The path tree: Path and PathSubtree patterns by segment. A lookup tries, at every level, the literal
 * segment first, then a `:name` wildcard, then a free wildcard, and backtracks when the routes of a
 * position all reject the request, so the most specific matching path wins (Skipper's pathmux order).
 */
import { leafSteps, patchLeaf, type Leaf, type RouteEntry } from './leaf.ts';
import { inTree } from './route-entry.ts';
import type { PathPattern } from './path-pattern.ts';
import { runSync, stepChunk, type Steps } from '../lifecycle/index.ts';
import type { RoutingRequest } from './types.ts';

interface Node {
  statics: Map<string, Node> | null;
  wildcard: Node | null;
  catchAll: Leaf | null;
  leaf: Leaf | null;
}

interface BuildNode {
  statics: Map<string, BuildNode> | null;
  wildcard: BuildNode | null;
  catchAll: RouteEntry[] | null;
  leaf: RouteEntry[] | null;
}

/** The Path/PathSubtree pattern of an entry in the tree (patterns are derived again, not kept). */
export type PatternOf = (e: RouteEntry) => PathPattern | null;

export class PathTree {
  readonly #root: Node;

  private constructor(root: Node) {
    this.#root = root;
  }

  /** Builds the tree; with `ignoreTrailingSlash` false a subtree also owns its base with a trailing slash. */
  static build(routes: readonly RouteEntry[], patternOf: PatternOf, ignoreTrailingSlash: boolean): PathTree {
    return runSync(PathTree.buildSteps(routes, patternOf, ignoreTrailingSlash));
  }

  /** build() in steps (see slices.ts). */
  static *buildSteps(routes: readonly RouteEntry[], patternOf: PatternOf, ignoreTrailingSlash: boolean): Steps<PathTree> {
    const root = newBuildNode();
    for (let i = 0; i < routes.length; i++) {
      if (i % stepChunk === stepChunk - 1) yield;
      const r = routes[i]!;
      if (inTree(r)) insert(root, patternOf(r)!, r, ignoreTrailingSlash);
    }
    const budget = { left: stepChunk };
    return new PathTree(yield* freeze(root, budget));
  }

  /**
   * The tree a full build of the next generation would give, made from this one: `removed` taken out,
   * `added` put in, every untouched node and leaf shared. The entries' `seq` must give their positions in the
   * next generation, and the entries kept must be in the same relative order as in this one (see patchLeaf).
   */
  patch(added: readonly RouteEntry[], removed: readonly RouteEntry[], patternOf: PatternOf, ignoreTrailingSlash: boolean): PathTree {
    const add = newBuildNode();
    const rem = newBuildNode();
    for (const r of added) if (inTree(r)) insert(add, patternOf(r)!, r, ignoreTrailingSlash);
    for (const r of removed) if (inTree(r)) insert(rem, patternOf(r)!, r, ignoreTrailingSlash);
    return new PathTree(merge(this.#root, add, rem) ?? emptyNode);
  }

  /**
   * Searches `path` (cleaned, starting with "/"). On a match, `values` (which must be empty) holds the raw
   * wildcard values in path order; the caller passes a reused array so a lookup allocates nothing here.
   * `hash` is hostHash(hostKey).
   */
  lookup(req: RoutingRequest, path: string, hostKey: string, hash: number, values: string[]): RouteEntry | null {
    return search(this.#root, path, 1, values, req, hostKey, hash);
  }
}

const emptyNode: Node = { statics: null, wildcard: null, catchAll: null, leaf: null };

function newBuildNode(): BuildNode {
  return { statics: null, wildcard: null, catchAll: null, leaf: null };
}

function insert(root: BuildNode, p: PathPattern, e: RouteEntry, ignoreTrailingSlash: boolean): void {
  let n = root;
  for (const s of p.segments) {
    if (s.param) {
      n = n.wildcard ??= newBuildNode();
      continue;
    }
    n.statics ??= new Map();
    let c = n.statics.get(s.text);
    if (c === undefined) n.statics.set(s.text, (c = newBuildNode()));
    n = c;
  }
  if (p.subtree) {
    // The subtree base itself: "/" for PathSubtree("/"), else the base path, plus "base/" unless ignored.
    if (p.segments.length === 0) addLeaf(child(n, ''), e);
    else {
      addLeaf(n, e);
      if (!ignoreTrailingSlash) addLeaf(child(n, ''), e);
    }
    (n.catchAll ??= []).push(e);
  } else if (p.freeName !== null) {
    (n.catchAll ??= []).push(e);
  } else {
    addLeaf(n, e);
  }
}

function child(n: BuildNode, text: string): BuildNode {
  n.statics ??= new Map();
  let c = n.statics.get(text);
  if (c === undefined) n.statics.set(text, (c = newBuildNode()));
  return c;
}

function addLeaf(n: BuildNode, e: RouteEntry): void {
  (n.leaf ??= []).push(e);
}

/**
 * The finished node of `b`, yielding once the leaves made since the last yield held `budget.left` entries.
 * A PathSubtree route sits in up to three leaves (its base, the base with a trailing slash, the catch-all
 * below it); when such leaves hold the same entries they are one Leaf, with one hostname index: half the
 * routes of a Kubernetes cluster are subtrees. `inherited` is the parent's catch-all, for the child "".
 */
function* freeze(b: BuildNode, budget: { left: number }, inherited: { entries: RouteEntry[]; leaf: Leaf } | null = null): Steps<Node> {
  const catchAll = b.catchAll === null ? null : yield* leafSteps(b.catchAll);
  const own = catchAll === null ? null : { entries: b.catchAll!, leaf: catchAll };
  let statics: Map<string, Node> | null = null;
  if (b.statics !== null) {
    statics = new Map();
    for (const [k, v] of b.statics) statics.set(k, yield* freeze(v, budget, k === '' ? own : null));
  }
  const wildcard = b.wildcard === null ? null : yield* freeze(b.wildcard, budget);
  let leaf: Leaf | null = null;
  if (b.leaf !== null) {
    if (own !== null && sameEntries(b.leaf, own.entries)) leaf = own.leaf;
    else if (inherited !== null && sameEntries(b.leaf, inherited.entries)) leaf = inherited.leaf;
    else leaf = yield* leafSteps(b.leaf);
  }
  budget.left -= 1 + (b.catchAll?.length ?? 0) + (b.leaf?.length ?? 0);
  if (budget.left <= 0) {
    budget.left = stepChunk;
    yield;
  }
  return { statics, wildcard, catchAll, leaf };
}

function sameEntries(a: readonly RouteEntry[], b: readonly RouteEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Node `prev` (null: absent) with the entries of `add` put in and those of `rem` taken out; null when empty. */
function merge(prev: Node | null, add: BuildNode | null, rem: BuildNode | null): Node | null {
  if (add === null && rem === null) return prev;
  const n: Node = {
    statics: mergeStatics(prev?.statics ?? null, add?.statics ?? null, rem?.statics ?? null),
    wildcard: merge(prev?.wildcard ?? null, add?.wildcard ?? null, rem?.wildcard ?? null),
    catchAll: patchLeaf(prev?.catchAll ?? null, add?.catchAll ?? null, rem?.catchAll ?? null),
    leaf: patchLeaf(prev?.leaf ?? null, add?.leaf ?? null, rem?.leaf ?? null),
  };
  // Emptied nodes are dropped, as a full build would never have made them.
  return n.statics === null && n.wildcard === null && n.catchAll === null && n.leaf === null ? null : n;
}

function mergeStatics(
  prev: Map<string, Node> | null, add: Map<string, BuildNode> | null, rem: Map<string, BuildNode> | null,
): Map<string, Node> | null {
  if (add === null && rem === null) return prev;
  const out = new Map(prev);
  const touch = (k: string) => {
    const c = merge(prev?.get(k) ?? null, add?.get(k) ?? null, rem?.get(k) ?? null);
    if (c === null) out.delete(k);
    else out.set(k, c);
  };
  if (add !== null) for (const k of add.keys()) touch(k);
  if (rem !== null) for (const k of rem.keys()) if (add === null || !add.has(k)) touch(k);
  return out.size === 0 ? null : out;
}

function search(n: Node, path: string, pos: number, values: string[], req: RoutingRequest, hostKey: string, hash: number): RouteEntry | null {
  if (pos === path.length) {
    // Nothing left after a slash: only a pattern ending in that slash can match; wildcards need content.
    const leaf = n.statics?.get('')?.leaf;
    return leaf == null ? null : leaf.find(req, hostKey, hash);
  }
  let end = path.indexOf('/', pos);
  if (end === -1) end = path.length;
  const seg = path.slice(pos, end);
  const c = n.statics === null ? undefined : n.statics.get(seg);
  if (c !== undefined) {
    const r = descend(c, path, end, values, req, hostKey, hash);
    if (r !== null) return r;
  }
  if (n.wildcard !== null && seg !== '') {
    values.push(seg);
    const r = descend(n.wildcard, path, end, values, req, hostKey, hash);
    if (r !== null) return r;
    values.pop();
  }
  if (n.catchAll !== null) {
    const r = n.catchAll.find(req, hostKey, hash);
    if (r !== null) {
      values.push(path.slice(pos));
      return r;
    }
  }
  return null;
}

function descend(c: Node, path: string, end: number, values: string[], req: RoutingRequest, hostKey: string, hash: number): RouteEntry | null {
  if (end === path.length) return c.leaf === null ? null : c.leaf.find(req, hostKey, hash);
  return search(c, path, end + 1, values, req, hostKey, hash);
}
