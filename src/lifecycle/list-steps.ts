/**
 * Copying a long list in steps. A list of a million routes copied in one call (slice, concat) blocked the
 * event loop for 25 ms on a quiet machine and over 100 ms on a busy one, several times per route update;
 * copied a block at a time, a sliced build (slices.ts) returns to the event loop in between.
 */
import { runSync, type Steps } from './slices.ts';

/** Elements copied between two yields: about a millisecond. */
const BLOCK = 32 * 1024;

/** How two lists agree at their ends by identity: `prefix` leading and `suffix` trailing elements (not overlapping). */
export interface CommonEnds {
  readonly prefix: number;
  readonly suffix: number;
}

/**
 * Each list replacedSteps made, with the list it was made from and their common ends: the next generation's
 * lists (the routes file's definitions, the table's entries and routes) are made so, and every stage that
 * compares one with the previous (the window compile, the delta to workers, the endpoint registry) then
 * skips the million-element scan. Weak both ways: a list let go takes its entry with it, and a list does not
 * keep the one it was made from alive (each generation would hold every earlier one). Lists are taken as
 * immutable once made, as every route list is.
 */
const madeFrom = new WeakMap<readonly unknown[], { readonly from: number; readonly ends: CommonEnds }>();
/**
 * The list an entry was made from, by number rather than by WeakRef: V8's scavenges hold a WeakRef's target
 * strongly, so every list kept the one before it — and that one its predecessor — alive until the next full
 * collection, and each scavenge promoted all of them to the old generation (at 15,000 Ingresses ≈ 0.5 MB per
 * change, 19.5 MB at one scavenge: a major collection every few dozen changes).
 */
const listIds = new WeakMap<readonly unknown[], number>();
let lastListId = 0;

function idOf(list: readonly unknown[]): number {
  let id = listIds.get(list);
  if (id === undefined) listIds.set(list, (id = ++lastListId));
  return id;
}

/** Work counters for tests: elements compared by the common-ends scans; long lists allocated when asked for. */
export const listCounters = { compared: 0, allocated: 0 };

/**
 * Long lists are allocated ahead, while the process is idle. Allocating a million-slot array was nearly the
 * whole cost of copying a million-element list (V8 fills every slot of the fresh, never-touched pages of a
 * large object: 89 of 122 ms per copy at load 14, against 1.4 ms to fill one allocated earlier), and a
 * one-route change made three such copies on its way to being served (the routes file's list, the table's
 * entries and routes; the worker's list with -workers N).
 */
const SPARE_FROM = 65_536;
/** About one change's worth. */
const SPARES = 4;
/** Idle time after the last take before the spares are made again. */
const REFILL_AFTER_MS = 200;
const spares: unknown[][] = [];
/** The length last asked for. */
let wanted = 0;
let refill: NodeJS.Timeout | null = null;

/** Whether a spare can serve a list of `length`: up to 1/64 longer, trimmed in place (V8 fills the tail with holes). */
function fits(spare: readonly unknown[], length: number): boolean {
  return spare.length >= length && spare.length <= length + (length >> 6);
}

/** A list of `length` holes: a spare made while idle when one fits. */
function takeList<T>(length: number): T[] {
  if (length < SPARE_FROM) return new Array(length);
  let out: T[] | null = null;
  for (let i = spares.length - 1; i >= 0; i--) {
    const s = spares[i]!;
    if (fits(s, length)) {
      spares.splice(i, 1);
      s.length = length;
      out = s as T[];
      break;
    }
  }
  if (out === null) {
    listCounters.allocated++;
    out = new Array(length);
  }
  // The next change's spares: sized for this list with room for it to grow, made once changes pause.
  wanted = length;
  if (refill !== null) clearTimeout(refill);
  refill = setTimeout(makeSpare, REFILL_AFTER_MS).unref();
  return out;
}

/**
 * Lists of about `length` will be asked for (a routes file of that many routes was just parsed whole): spares
 * are made once the process is idle, so that the first change finds them too.
 */
export function expectLists(length: number): void {
  if (length < SPARE_FROM) return;
  wanted = length;
  if (refill !== null) clearTimeout(refill);
  refill = setTimeout(makeSpare, REFILL_AFTER_MS).unref();
}

/** Makes one spare per turn of the event loop (each is one allocation that blocks), up to SPARES. */
function makeSpare(): void {
  refill = null;
  for (let i = spares.length - 1; i >= 0; i--) if (!fits(spares[i]!, wanted)) spares.splice(i, 1);
  if (spares.length >= SPARES) return;
  spares.push(new Array(wanted + (wanted >> 7)));
  refill = setTimeout(makeSpare, 0).unref();
}

/** How many spare lists for a list of `length` are ready (tests wait for them). */
export function spareLists(length: number): number {
  return spares.filter((s) => fits(s, length)).length;
}

/**
 * `list` with [from, to) replaced by `mid`, built a block at a time. The result is sized once and filled
 * by index (a million elements: ~30 ms of CPU in all, as a native slice; growing it by push took ~110 ms).
 * The result must not be changed afterwards: commonEnds(list, result) answers from what is known here.
 */
export function* replacedSteps<T>(list: readonly T[], from: number, to: number, mid: readonly T[]): Steps<T[]> {
  const out = takeList<T>(list.length - (to - from) + mid.length);
  let k = 0;
  for (let i = 0; i < from; ) {
    const end = Math.min(from, i + BLOCK);
    while (i < end) out[k++] = list[i++]!;
    yield;
  }
  for (let i = 0; i < mid.length; i++) out[k++] = mid[i]!;
  for (let i = to; i < list.length; ) {
    const end = Math.min(list.length, i + BLOCK);
    while (i < end) out[k++] = list[i++]!;
    yield;
  }
  // The common ends, trimmed by what `mid` repeats of the elements it replaces (a re-parsed chunk puts back
  // its unchanged definitions): as a scan finds them, but for an element repeated at another position.
  const span = Math.min(to - from, mid.length);
  let lead = 0;
  while (lead < span && mid[lead] === list[from + lead]) lead++;
  let trail = 0;
  while (trail < span - lead && mid[mid.length - 1 - trail] === list[to - 1 - trail]) trail++;
  // Equal lists: runEnds' whole-prefix answer.
  const ends = lead === mid.length && lead === to - from ? { prefix: list.length, suffix: 0 } : { prefix: from + lead, suffix: list.length - to + trail };
  madeFrom.set(out, { from: idOf(list), ends });
  return out;
}

/**
 * The common prefix and suffix of `prev` and `next`, element by element by identity: one changed element among
 * a million costs pointer comparisons, and only the window between is left for the caller to read. When
 * replacedSteps made `next` from `prev`, it is known without comparing.
 */
export function commonEnds<T>(prev: readonly T[], next: readonly T[]): CommonEnds {
  return runSync(runEnds(prev, next, Infinity));
}

/** {@link commonEnds} in steps of `perStep` comparisons, for lists of a million. */
export function* commonEndsSteps<T>(prev: readonly T[], next: readonly T[], perStep: number): Steps<CommonEnds> {
  return yield* runEnds(prev, next, perStep);
}

function* runEnds<T>(prev: readonly T[], next: readonly T[], perStep: number): Steps<CommonEnds> {
  const made = madeFrom.get(next);
  if (made !== undefined && made.from === listIds.get(prev)) return made.ends;
  const limit = Math.min(prev.length, next.length);
  let p = 0;
  while (p < limit && prev[p] === next[p]) if (++p % perStep === 0) yield;
  let s = 0;
  while (s < limit - p && prev[prev.length - 1 - s] === next[next.length - 1 - s]) if (++s % perStep === 0) yield;
  listCounters.compared += p + s;
  return { prefix: p, suffix: s };
}

/** Replace `remove` elements of the previous list from position `at` with the next `insert` of the inserted ones. */
export interface Splice {
  at: number;
  remove: number;
  insert: number;
}

/**
 * The splices turning prev[from, to) into next[nextFrom, nextTo), elements compared by identity (an element
 * of `next` found at or after the previous match in that range of `prev` is kept, anything else inserted),
 * with the inserted elements in order. The range is what differs between two generations (what commonEnds
 * leaves, or what a re-parse replaced): a few elements, indexed once.
 */
export function splicesOf<T>(prev: readonly T[], from: number, to: number, next: readonly T[], nextFrom: number, nextTo: number): { hunks: Splice[]; inserted: T[] } {
  const hunks: Splice[] = [];
  const inserted: T[] = [];
  if (from === to && nextFrom === nextTo) return { hunks, inserted };
  const at = new Map<T, number>();
  for (let i = from; i < to; i++) if (!at.has(prev[i]!)) at.set(prev[i]!, i);
  let j = from;
  let pending = 0;
  const flush = (upTo: number): void => {
    if (upTo > j || pending > 0) hunks.push({ at: j, remove: upTo - j, insert: pending });
    pending = 0;
  };
  for (let i = nextFrom; i < nextTo; i++) {
    const x = next[i]!;
    const k = at.get(x);
    if (k !== undefined && k >= j) {
      flush(k);
      j = k + 1;
    } else {
      inserted.push(x);
      pending++;
    }
  }
  flush(to);
  return { hunks, inserted };
}
