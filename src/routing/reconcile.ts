/**
 * Which compiled routes of the previous generation the next one keeps. A definition is kept when the
 * previous generation has a usable route of the same id whose definition is the same object or equal
 * (route-equality.ts); otherwise it is compiled afresh. Duplicate ids keep the first definition, as a
 * full compile does.
 */
import type { RouteDef } from '../eskip/index.ts';
import { kept as keepOpen, usable } from './route-lifetimes.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { RouteEntry } from './leaf.ts';
import type { IdIndex } from './id-index.ts';
import { sameRouteDef } from './route-equality.ts';
import { reconcileWindowSteps, windowCounters } from './reconcile-window.ts';
import type { Reconciled } from './reconciled.ts';
import { stepChunk, type Steps } from '../lifecycle/index.ts';
import type { TableState } from './table.ts';
import type { InvalidRoute, Route } from './types.ts';

// What happened to each route of the previous generation, by its position there.
const untouched = 0;
const kept = 1;
// Its id went to another definition (changed, invalid or a duplicate): the route is dropped.
const superseded = 2;

// What compiling a route adds to a step's work, on top of the 1 every definition counts: a step (stepChunk
// units) compiles at most 32 routes, or matches 256 kept ones (a pointer comparison each).
const compileCost = 7;

const noEntries: readonly RouteEntry[] = [];
const noDefs: readonly RouteDef[] = [];
const noRoutes: readonly Route[] = [];

/**
 * Matches `defs` against `base` (null: compile everything). `byId` indexes `base` and the entries' `seq`
 * give their positions in it on entry; on return both describe the new generation. `compile` throws
 * RouteDefinitionError for a bad definition. `markKept`: mark every kept route as held by the latest
 * generation (route-lifetimes.ts' kept()), needed when `base` is not the latest one; otherwise nothing is
 * written to a kept route, so an unchanged route costs a pointer comparison.
 */
export function* reconcileSteps(defs: readonly RouteDef[], base: TableState | null, byId: IdIndex, compile: (def: RouteDef) => RouteEntry,
  markKept = false): Steps<Reconciled> {
  // One window changed (a route edited, added or removed): only the window is matched (reconcile-window.ts).
  if (base !== null && !markKept && !base.released) {
    const w = yield* reconcileWindowSteps(defs, base, byId, compile);
    if (w !== null) return w;
  }
  windowCounters.matched += defs.length;
  const prevDefs = base?.defs ?? noDefs;
  const prevCompiled = base?.compiled ?? noEntries;
  const prevRoutes = base?.routes ?? noRoutes;
  // A released previous generation may have closed filter instances: check each route before keeping it.
  const checkUsable = base !== null && base.released;
  const fate = new Uint8Array(prevCompiled.length);
  // Sized up front and trimmed at the end: growing three 100,000-element arrays by push cost more than
  // the whole matching loop. One allocation per step: V8 fills every slot of a new array, and a
  // million-slot one took 40 ms on a quiet machine (fresh pages touched at once); three were a 134 ms step.
  const compiled: RouteEntry[] = new Array(defs.length);
  yield;
  const routes: Route[] = new Array(defs.length);
  yield;
  const inputs: RouteDef[] = new Array(defs.length);
  yield;
  let n = 0;
  // Per new position, the position in the previous generation (-1: compiled afresh).
  const from = new Int32Array(defs.length);
  // Without a previous generation every valid route is fresh: `fresh` is `compiled` itself then. A second
  // list grown by push to a million entries copied itself in single steps of 30–65 ms.
  const fresh: RouteEntry[] = base === null ? compiled : [];
  // Ids of definitions the previous generation did not have. Without a previous generation `byId` is empty
  // and filled as routes compile (a second set of a million ids cost a second): only the ids of invalid
  // definitions are kept here then.
  const seen = new Set<string>();
  const invalid: InvalidRoute[] = [];
  let inOrder = true;
  let lastKept = -1;
  // Unchanged lists mostly repeat the previous one object for object: the definition at the expected
  // position is compared first, touching neither the definition nor its route (with 100,000 routes,
  // following those pointers, or an id map lookup, per definition was most of an incremental compile).
  let next = 0;
  // Work since the last yield (see compileCost): a run of routes with new regular expressions costs up to a
  // millisecond per route, and 256 of them were one step of 80–100 ms.
  let work = 0;
  for (let i = 0; i < defs.length; i++) {
    // Nothing the live table reads changes before the loop ends (seq and byId are rewritten after it).
    if (work >= stepChunk) {
      work = 0;
      yield;
    }
    work++;
    const def = defs[i]!;
    let at = -1;
    if (next < prevDefs.length && prevDefs[next] === def && fate[next] === untouched && (!checkUsable || usable(prevCompiled[next]!))) {
      at = next;
    } else {
      // Equal copies (definitions delivered anew, e.g. over IPC) usually still sit at the expected position.
      let old = next < prevCompiled.length ? prevCompiled[next] : undefined;
      if (old === undefined || old.route.id !== def.id) old = base === null ? undefined : byId.get(def.id);
      if (old !== undefined) {
        // byId and seq still describe the previous generation.
        const pos = old.seq;
        next = pos + 1;
        if (fate[pos] !== untouched) {
          invalid.push(duplicate(def));
          continue;
        }
        if ((old.route.def === def || sameRouteDef(old.route.def, def)) && usable(old)) at = pos;
        else fate[pos] = superseded;
      } else if (seen.has(def.id) || (base === null && byId.get(def.id) !== undefined)) {
        invalid.push(duplicate(def));
        continue;
      } else if (base !== null) {
        seen.add(def.id);
      }
    }
    if (at >= 0) {
      fate[at] = kept;
      if (at < lastKept) inOrder = false;
      lastKept = at;
      next = at + 1;
      from[n] = at;
      if (markKept) keepOpen(prevCompiled[at]!);
      compiled[n] = prevCompiled[at]!;
      routes[n] = prevRoutes[at]!;
      inputs[n++] = def;
      continue;
    }
    work += compileCost;
    try {
      const c = compile(def);
      c.seq = n;
      from[n] = -1;
      compiled[n] = c;
      routes[n] = c.route;
      inputs[n++] = def;
      if (base === null) byId.set(def.id, c);
      else fresh.push(c);
    } catch (e) {
      if (base === null) seen.add(def.id);
      if (e instanceof RouteDefinitionError) invalid.push({ id: def.id, reason: e.reason, message: e.message, def });
      else invalid.push({ id: def.id, reason: 'invalid_predicate_params', message: `route ${def.id}: ${describe(e)}`, def });
    }
  }
  compiled.length = n;
  routes.length = n;
  inputs.length = n;
  yield;
  // The passes below walk up to a million routes each: in chunks, like the loop above.
  const removed: RouteEntry[] = [];
  for (let i = 0; i < prevCompiled.length; i++) {
    if (i % (16 * stepChunk) === 16 * stepChunk - 1) yield;
    if (fate[i] !== kept) removed.push(prevCompiled[i]!);
  }
  for (let i = 0; base !== null && i < n; i++) {
    if (i % (16 * stepChunk) === 16 * stepChunk - 1) yield;
    if (from[i]! >= 0 && from[i] !== i) compiled[i]!.seq = i;
  }
  for (let i = 0; i < removed.length; i++) {
    if (i % (4 * stepChunk) === 4 * stepChunk - 1) yield;
    const c = removed[i]!;
    if (byId.get(c.route.id) === c) byId.delete(c.route.id);
  }
  // In chunks: a million ids take a second (without a previous generation they went in above).
  for (let i = 0; base !== null && i < fresh.length; i++) {
    if (i % (4 * stepChunk) === 0) yield;
    const c = fresh[i]!;
    byId.set(c.route.id, c);
  }
  // Every definition valid: `inputs` repeats the caller's list, which is taken instead (as the window compile
  // does), so the next change's list, made from it, knows where it differs (lifecycle/list-steps.ts).
  return { compiled, routes, inputs: n === defs.length ? defs as RouteDef[] : inputs, fresh, removed, invalid, inOrder };
}

function duplicate(def: RouteDef): InvalidRoute {
  return { id: def.id, reason: 'duplicate_route_id', message: `route ${def.id}: duplicate route id, the first definition is used`, def };
}
