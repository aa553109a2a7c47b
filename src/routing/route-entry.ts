/** A compiled route as the path tree and the host index hold it. */
import type { PredicateMatcher, Route } from './types.ts';

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
  /**
   * Bit 0 (`inTree`): the route has Path or PathSubtree, i.e. lives in the path tree rather than the root
   * leaf. Bits 1–2: `hostRule` of its predicates (route-predicates.ts): `matchers[0]` is decided by the
   * host index key (1) or by the key equalling the Host (2). Bit 3 (`hostOnly`): that host matcher is the
   * route's only one, so a route the host index found under its key matches without its list being read
   * (at a million routes the list is one more cache miss). One small integer instead of several fields.
   */
  readonly flags: number;
  /**
   * The route's one matcher after the host matcher that the host index key decides (`matchers[1]` when
   * `matchers` has exactly two and flags has a host rule), else null. A route found under its key then
   * evaluates it without reading its matcher list: the list is mostly the route's own (it holds the
   * hostname's matcher) and at a million routes one more cache miss, while `next` is mostly an instance
   * shared by many routes (`Method("POST")`, one `PathRegexp` per pattern).
   */
  readonly next: PredicateMatcher | null;
  /** Serial of the generation that compiled it (see route-lifetimes.ts). */
  born: number;
  /** Serial of the last generation holding it, `open` while the latest does, `closed` once its filters are closed. */
  last: number;
  /** Position in the latest generation of its family (see Family in table.ts). */
  seq: number;
}

export const inTreeFlag = 1;
export const hostByKeyFlag = 2;
export const hostExactFlag = 4;
export const hostOnlyFlag = 8;

/** The `next` field of an entry with these `matchers` and `flags`. */
export function nextMatcher(matchers: readonly PredicateMatcher[], flags: number): PredicateMatcher | null {
  return matchers.length === 2 && (flags & (hostByKeyFlag | hostExactFlag)) !== 0 ? matchers[1]! : null;
}

/** Whether `e` lives in the path tree (has Path or PathSubtree). */
export function inTree(e: RouteEntry): boolean {
  return (e.flags & inTreeFlag) !== 0;
}
