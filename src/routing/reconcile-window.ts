/**
 * The common case of reconcile.ts in time proportional to the change: a new definition list that repeats
 * the previous generation's object for object except in one window (a routes file with one route edited,
 * added or removed; a worker's list after a delta). The common prefix and suffix are found by identity, the
 * routes outside the window are kept without being read, and only the window's definitions are matched by
 * id and compiled; the new lists are the previous ones copied in bulk with the window replaced. Returns
 * null, having changed nothing, when the change is not of that shape or a full match could decide
 * differently (an id of the window also in the suffix, a reordering): reconcileSteps then matches every
 * definition. The result is exactly reconcileSteps'.
 */
import type { RouteDef } from '../eskip/index.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { IdIndex } from './id-index.ts';
import type { RouteEntry } from './leaf.ts';
import { usable } from './route-lifetimes.ts';
import { sameRouteDef } from './route-equality.ts';
import { commonEndsSteps, replacedSteps, stepChunk, type Steps } from '../lifecycle/index.ts';
import type { Reconciled } from './reconciled.ts';
import type { TableState } from './table.ts';
import type { InvalidRoute, Route } from './types.ts';

/** Past this many definitions in the window, matching every definition costs about the same. */
const MAX_WINDOW = 4096;

/** Pointer comparisons per step: a few milliseconds at most. */
const COMPARE_STEP = 64 * stepChunk;

/**
 * Work counters for tests: definitions matched one by one (every one by reconcileSteps' full match, the
 * window's here), and window matches done.
 */
export const windowCounters = { windows: 0, matched: 0 };

/**
 * reconcileSteps for `defs` against `base` when they differ in one window; null when they do not (nothing
 * was changed then). `base` must be the head of its family (byId and seq describe it) and not released.
 */
export function* reconcileWindowSteps(defs: readonly RouteDef[], base: TableState, byId: IdIndex,
  compile: (def: RouteDef) => RouteEntry): Steps<Reconciled | null> {
  const prevDefs = base.defs;
  const { prefix: p, suffix: s } = yield* commonEndsSteps(prevDefs, defs, COMPARE_STEP);
  const prevEnd = prevDefs.length - s;
  const nextEnd = defs.length - s;
  if (prevEnd - p > MAX_WINDOW || nextEnd - p > MAX_WINDOW) return null;
  // Decide every definition of the window before changing anything.
  const olds: (RouteEntry | undefined)[] = [];
  const seen = new Set<string>();
  let lastKept = -1;
  for (let i = p; i < nextEnd; i++) {
    const def = defs[i]!;
    if (seen.has(def.id)) {
      olds.push(undefined);
      continue;
    }
    seen.add(def.id);
    const old = byId.get(def.id);
    // An id of the suffix: that route would become a duplicate. Of the prefix: this definition is one.
    if (old !== undefined && old.seq >= prevEnd) return null;
    if (old !== undefined && old.seq >= p && (old.route.def === def || sameRouteDef(old.route.def, def)) && usable(old)) {
      if (old.seq < lastKept) return null;
      lastKept = old.seq;
    }
    olds.push(old);
  }
  windowCounters.windows++;
  windowCounters.matched += nextEnd - p;
  const middle: RouteEntry[] = [];
  const middleDefs: RouteDef[] = [];
  const fresh: RouteEntry[] = [];
  const invalid: InvalidRoute[] = [];
  const keptSet = new Set<RouteEntry>();
  seen.clear();
  for (let i = p; i < nextEnd; i++) {
    const def = defs[i]!;
    const old = olds[i - p];
    const first = !seen.has(def.id);
    seen.add(def.id);
    if (!first || (old !== undefined && old.seq < p)) {
      invalid.push({ id: def.id, reason: 'duplicate_route_id', message: `route ${def.id}: duplicate route id, the first definition is used`, def });
      continue;
    }
    if (old !== undefined && (old.route.def === def || sameRouteDef(old.route.def, def)) && usable(old)) {
      keptSet.add(old);
      middle.push(old);
      middleDefs.push(def);
      continue;
    }
    try {
      const c = compile(def);
      middle.push(c);
      middleDefs.push(def);
      fresh.push(c);
    } catch (e) {
      if (e instanceof RouteDefinitionError) invalid.push({ id: def.id, reason: e.reason, message: e.message, def });
      else invalid.push({ id: def.id, reason: 'invalid_predicate_params', message: `route ${def.id}: ${describe(e)}`, def });
    }
  }
  const removed: RouteEntry[] = [];
  for (let i = p; i < prevEnd; i++) if (!keptSet.has(base.compiled[i]!)) removed.push(base.compiled[i]!);
  yield;
  // The previous lists copied a block at a time (a million-element copy in one call blocked for 20-150 ms).
  const compiled = yield* replacedSteps(base.compiled, p, prevEnd, middle);
  const routes = yield* replacedSteps<Route>(base.routes, p, prevEnd, middle.map((e) => e.route));
  // No definition invalid (the prefix and suffix were valid before and stay so): the caller's list is the
  // definitions of `compiled` position for position, and is taken as immutable like every definition.
  const inputs = invalid.length === 0 && compiled.length === defs.length ? defs as RouteDef[] : yield* replacedSteps(base.defs, p, prevEnd, middleDefs);
  for (let i = 0; i < middle.length; i++) middle[i]!.seq = p + i;
  // An added or removed route moves the positions of every route after it.
  const shift = middle.length - (prevEnd - p);
  if (shift !== 0) {
    for (let i = p + middle.length; i < compiled.length; i++) {
      if (i % (4 * stepChunk) === 0) yield;
      compiled[i]!.seq = i;
    }
  }
  for (const c of removed) if (byId.get(c.route.id) === c) byId.delete(c.route.id);
  for (const c of fresh) byId.set(c.route.id, c);
  return { compiled, routes, inputs, fresh, removed, invalid, inOrder: true };
}
