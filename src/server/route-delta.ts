/**
 * The difference between two generations' definition lists, as splices of the previous list: what the
 * primary of `-workers N` sends instead of the whole list. Definitions are compared by identity (the
 * pipeline keeps the object of every definition that did not change), so unchanged definitions are never
 * sent again and the worker keeps its own copies of them — which its incremental compile then reuses by
 * identity too. Order is kept exactly: the worker's list is the primary's, position for position.
 */
import type { RouteDef } from '../eskip/index.ts';
import { commonEnds, expectLists, replacedSteps, runSync, splicesOf, type Splice } from '../lifecycle/index.ts';

/** Replace `remove` definitions of the previous list from position `at` with the next `insert` of the inserted ones. */
export type Hunk = Splice;

export interface Delta {
  hunks: Hunk[];
  /** The inserted definitions of all hunks, in hunk order. */
  inserted: RouteDef[];
}

/**
 * The hunks turning `prev` into `next`. Linear: a common prefix and suffix are skipped by identity (one
 * changed route among a million compares pointers only), and only the middle is indexed.
 */
export function diffDefs(prev: readonly RouteDef[], next: readonly RouteDef[]): Delta {
  const { prefix: p, suffix: s } = commonEnds(prev, next);
  return splicesOf(prev, p, prev.length - s, next, p, next.length - s);
}

/** `prev` with the delta applied; kept definitions are the objects of `prev`. */
export function applyDelta(prev: readonly RouteDef[], d: Delta): RouteDef[] {
  let size = prev.length;
  let inserted = 0;
  let from = 0;
  for (const h of d.hunks) {
    if (h.at < from || h.at + h.remove > prev.length) throw new Error(`route delta: hunk at ${h.at} outside the previous list of ${prev.length}`);
    size += h.insert - h.remove;
    inserted += h.insert;
    from = h.at + h.remove;
  }
  if (inserted !== d.inserted.length) throw new Error('route delta: inserted definitions do not match the hunks');
  // One hunk (a route changed among a million): one copy that knows its common ends with `prev`, so the
  // worker's window compile finds the change without comparing a million definitions (list-steps.ts).
  if (d.hunks.length === 1 && inserted <= 10_000) {
    const h = d.hunks[0]!;
    return runSync(replacedSteps(prev, h.at, h.at + h.remove, d.inserted));
  }
  // A few routes replaced in place (same length): one bulk copy, then the new ones written over it. A length
  // change: one pass into an array of the final size — splicing a copy of a large array (> 16,384 entries)
  // moved its tail and grew it into a second large allocation (41,000 routes, two inserted: 4.7 → 1.9 ms CPU).
  if (size === prev.length && d.hunks.length <= 4 && inserted <= 10_000 && d.hunks.every((h) => h.insert === h.remove)) {
    const out = prev.slice();
    let ins = 0;
    for (const h of d.hunks) for (let i = 0; i < h.insert; i++) out[h.at + i] = d.inserted[ins++]!;
    return out;
  }
  const out: RouteDef[] = new Array(size);
  let n = 0;
  let ins = 0;
  from = 0;
  for (const h of d.hunks) {
    for (let i = from; i < h.at; i++) out[n++] = prev[i]!;
    for (let i = 0; i < h.insert; i++) out[n++] = d.inserted[ins++]!;
    from = h.at + h.remove;
  }
  for (let i = from; i < prev.length; i++) out[n++] = prev[i]!;
  // A worker's whole list (its first, or after a resync): the next deltas' copies find spares made while idle.
  expectLists(out.length);
  return out;
}
