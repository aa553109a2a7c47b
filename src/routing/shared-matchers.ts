/**
 * The matchers that predicate specs share between routes (src/predicates/memo.ts marks them here): route
 * compilation then shares lists of such matchers between routes too (compiled-route.ts).
 */
import type { PredicateMatcher } from './types.ts';

const sharedMatchers = new WeakSet<PredicateMatcher>();

/** Marks `m` as one instance used by every route with its arguments (it keeps no per-route state). */
export function markShared(m: PredicateMatcher): void {
  sharedMatchers.add(m);
}

/** Whether `m` was marked by markShared. */
export function isShared(m: PredicateMatcher): boolean {
  return sharedMatchers.has(m);
}
