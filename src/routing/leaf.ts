/**
 * A leaf of the path tree (or the root list of routes without a path): the routes sharing one path
 * position, ordered by precedence. Routes confined to known hostnames are also indexed by hostname, so a
 * lookup only evaluates the routes that can match the request's host; their relative order is unchanged,
 * hence so is the decision.
 */
import type { PathPattern } from './path-pattern.ts';
import type { PredicateMatcher, Route, RoutingRequest } from './types.ts';

/** How to name the path tree's wildcard values for a route; null when the route has no wildcards. */
export interface ParamNames {
  /** Wildcard names in path order, the free wildcard's last. */
  readonly names: readonly string[];
  /** Whether the last name belongs to a free wildcard (`*name`, or a subtree's sub-path). */
  readonly free: boolean;
  readonly subtree: boolean;
}

/**
 * A compiled route as the matcher sees it, with the bookkeeping that lets later generations keep it. One
 * object per route (not frozen, for the bookkeeping fields): a second one cost ≈ 60 B per route.
 */
export interface RouteEntry {
  readonly route: Route;
  readonly matchers: readonly PredicateMatcher[];
  /** Weight() sum plus predicate count; higher is tried first. */
  readonly weight: number;
  readonly params: ParamNames | null;
  readonly hostKeys: readonly string[] | null;
  /** The Path/PathSubtree pattern placing the route in the tree; null for routes outside it. */
  readonly pattern: PathPattern | null;
  /** Live generations holding this route; only counted for routes with filters (nothing else is closed). */
  refs: number;
  /** Position in the latest generation of its family (see Family in table.ts). */
  seq: number;
}

// Below this many host-confined routes a linear scan is as cheap as the index.
const indexThreshold = 4;
const none: readonly number[] = [];
const noEntries: readonly RouteEntry[] = [];

export class Leaf {
  /** Entries by precedence: weight descending, definition order among equals (Skipper's stable sort). */
  readonly entries: readonly RouteEntry[];
  /** Positions in `entries` per hostname: one position as a number, several as an ascending array. */
  readonly #byHost: Map<string, number | number[]> | null;
  readonly #generic: readonly number[];

  /** `entries` in definition order, or already in precedence order when `sorted` (then taken over, not copied). */
  constructor(entries: readonly RouteEntry[], sorted = false) {
    this.entries = sorted || entries.length < 2 ? entries : entries.slice().sort(byWeight);
    let hosted = 0;
    for (const e of this.entries) if (e.hostKeys !== null) hosted++;
    if (hosted < indexThreshold) {
      this.#byHost = null;
      this.#generic = none;
      return;
    }
    const byHost = new Map<string, number | number[]>();
    const generic: number[] = [];
    this.entries.forEach((e, i) => {
      if (e.hostKeys === null) {
        generic.push(i);
        return;
      }
      for (const k of e.hostKeys) {
        const v = byHost.get(k);
        if (v === undefined) byHost.set(k, i);
        else if (typeof v === 'number') { if (v !== i) byHost.set(k, [v, i]); }
        else if (v[v.length - 1] !== i) v.push(i);
      }
    });
    this.#byHost = byHost;
    this.#generic = generic.length === 0 ? none : generic;
  }

  /** The first entry, by precedence, whose predicates all match; `hostKey` is the request's index key. */
  find(req: RoutingRequest, hostKey: string): RouteEntry | null {
    const entries = this.entries;
    if (this.#byHost === null) {
      for (let i = 0; i < entries.length; i++) if (matches(entries[i]!, req)) return entries[i]!;
      return null;
    }
    const h = this.#byHost.get(hostKey);
    const generic = this.#generic;
    if (typeof h === 'number' && generic.length === 0) return matches(entries[h]!, req) ? entries[h]! : null;
    const hosted = h === undefined ? none : typeof h === 'number' ? [h] : h;
    // Merge the two ascending position lists so candidates are tried in precedence order.
    let a = 0;
    let b = 0;
    while (a < hosted.length || b < generic.length) {
      const i = b >= generic.length || (a < hosted.length && hosted[a]! < generic[b]!) ? hosted[a++]! : generic[b++]!;
      if (matches(entries[i]!, req)) return entries[i]!;
    }
    return null;
  }
}

function byWeight(a: RouteEntry, b: RouteEntry): number {
  return b.weight - a.weight;
}

/**
 * The leaf `prev` with the entries of `removed` taken out and those of `added` put in, in the order a full
 * build gives: weight descending, then definition order (`seq`, set for the new generation). Requires
 * that the entries kept from `prev` are still in the same relative definition order. Null when nothing
 * is left.
 */
export function patchLeaf(prev: Leaf | null, added: readonly RouteEntry[] | null, removed: readonly RouteEntry[] | null): Leaf | null {
  if (added === null && removed === null) return prev;
  let kept = prev === null ? noEntries : prev.entries;
  if (removed !== null && kept.length > 0) {
    const gone = new Set(removed);
    kept = kept.filter((e) => !gone.has(e));
  }
  // Without additions `removed` was set, so `kept` is a fresh array the new leaf can own.
  if (added === null) return kept.length === 0 ? null : new Leaf(kept, true);
  const before = (a: RouteEntry, b: RouteEntry) => a.weight > b.weight || (a.weight === b.weight && a.seq < b.seq);
  const adds = added.slice().sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  const out: RouteEntry[] = new Array(kept.length + adds.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < kept.length || j < adds.length) out[k++] = j >= adds.length || (i < kept.length && !before(adds[j]!, kept[i]!)) ? kept[i++]! : adds[j++]!;
  return new Leaf(out, true);
}

function matches(e: RouteEntry, req: RoutingRequest): boolean {
  const ms = e.matchers;
  for (let i = 0; i < ms.length; i++) if (!ms[i]!.match(req)) return false;
  return true;
}
