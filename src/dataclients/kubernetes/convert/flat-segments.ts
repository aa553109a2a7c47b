/** The incremental converter's route lists, flattened from per-object pieces without walking the unchanged ones. */

/** A sequence of segments: how many, and the i-th. */
export interface Segments<T> {
  readonly count: number;
  at(i: number): readonly T[];
}

/** One splice of the previous result: `remove` elements from position `at` replaced by the next `insert` inserted ones. */
export interface FlatHunk {
  at: number;
  remove: number;
  insert: number;
}

/** How a result differs from the one before it: splices of `from` (route-delta.ts' shape, known without a diff). */
export interface FlatChange<T> {
  readonly from: readonly T[];
  readonly hunks: FlatHunk[];
  /** The inserted elements of all hunks, in hunk order. */
  readonly inserted: T[];
}

/** Past this many inserted elements no change is recorded (the consumer compares the lists instead). */
const MAX_CHANGE = 4096;

/** Work counters, for tests: a change must not cost more than one new array. */
export interface FlattenStats {
  /** Arrays allocated for results (one per changed result, none when nothing changed). */
  allocations: number;
  /** Elements copied from the previous result (the unchanged pieces). */
  copiedFromPrevious: number;
  /** Elements read from the segments themselves (the changed pieces). */
  copiedFromSegments: number;
}

/**
 * Flattens a sequence of arrays (segments), reusing the previous result around the segments that changed.
 * Segments are compared by identity, so a segment must never be mutated once flattened: a changed piece is a
 * new array. A result is never modified once returned (callers keep it); when no segment changed, the
 * previous result itself is returned.
 *
 * A changed result is exactly one new array, filled from the previous result wherever the pieces are the
 * same and from the changed pieces elsewhere. Arrays of more than 16,384 elements live in V8's large-object
 * space, and on this project's 2-core test machine each costs 1.5–2 ms of CPU (about 80 page faults for 41,000
 * references) whatever is copied into it: the earlier version (a copy of the segment list, a concatenation of
 * it and a `toSpliced` of the result, three to four such arrays per change) cost 2.7–3.4 ms per inserted piece
 * at 19,000 pieces, this one 1.4–2.1.
 */
export class FlatSegments<T> {
  /** The segments of the last result, ours alone: updated in place, never handed out. */
  #segs: (readonly T[])[] = [];
  #flat: T[] = [];
  /** How the last result differs from the one before it; undefined when unknown or large. */
  lastChange: FlatChange<T> | undefined;
  readonly stats: FlattenStats = { allocations: 0, copiedFromPrevious: 0, copiedFromSegments: 0 };

  /** The concatenation of `count` segments, the i-th being `at(i)`. */
  flatten(count: number, at: (i: number) => readonly T[]): T[] {
    const prev = this.#segs;
    const limit = Math.min(prev.length, count);
    // Common head and tail by identity, copied from the previous result.
    let p = 0;
    let head = 0;
    while (p < limit && prev[p] === at(p)) head += prev[p++]!.length;
    if (p === count && count === prev.length) {
      this.lastChange = undefined;
      return this.#flat;
    }
    let s = 0;
    let tail = 0;
    while (s < limit - p && prev[prev.length - 1 - s] === at(count - 1 - s)) tail += prev[prev.length - 1 - s++]!.length;
    const old = this.#flat;
    const end = count - s;
    const oldEnd = prev.length - s;
    // Pieces replaced in place (an Endpoints change reconverts Ingresses spread over the whole list) keep the
    // pieces between them where they were: those are copied from the previous result, in runs.
    const aligned = end - p === oldEnd - p;
    let mid = 0;
    for (let i = p; i < end; i++) mid += at(i).length;
    const total = head + mid + tail;
    // Sized once: growing by push would reallocate several large arrays on the way.
    const out: T[] = new Array(total);
    let fromPrev = head + tail;
    for (let k = 0; k < head; k++) out[k] = old[k]!;
    let k = head;
    const hunks: FlatHunk[] = [];
    if (aligned) {
      let o = head;
      let run = o;
      for (let i = p; i < end; i++) {
        const seg = at(i);
        const was = prev[i]!;
        if (seg === was) {
          o += was.length;
          continue;
        }
        for (let j = run; j < o; j++) out[k++] = old[j]!;
        fromPrev += o - run;
        hunks.push({ at: o, remove: was.length, insert: seg.length });
        for (let j = 0; j < seg.length; j++) out[k++] = seg[j]!;
        o += was.length;
        run = o;
      }
      for (let j = run; j < o; j++) out[k++] = old[j]!;
      fromPrev += o - run;
    } else {
      hunks.push({ at: head, remove: old.length - tail - head, insert: mid });
      for (let i = p; i < end; i++) {
        const seg = at(i);
        for (let j = 0; j < seg.length; j++) out[k++] = seg[j]!;
      }
    }
    const fromSegs = total - fromPrev;
    this.lastChange = fromSegs > MAX_CHANGE ? undefined : { from: old, hunks, inserted: insertedOf(out, hunks) };
    for (let j = old.length - tail; j < old.length; j++) out[k++] = old[j]!;
    // The segment list follows in place: from the first change on, every slot is rewritten.
    prev.length = count;
    for (let i = p; i < count; i++) prev[i] = at(i);
    const st = this.stats;
    st.allocations++;
    st.copiedFromPrevious += fromPrev;
    st.copiedFromSegments += fromSegs;
    return (this.#flat = out);
  }
}

/** The inserted elements of `hunks`, read from the new result `out`. */
function insertedOf<T>(out: readonly T[], hunks: readonly FlatHunk[]): T[] {
  const r: T[] = [];
  // Each hunk's position in the new result: its position in the old one, moved by the hunks before it.
  let shift = 0;
  for (const h of hunks) {
    const at = h.at + shift;
    for (let j = 0; j < h.insert; j++) r.push(out[at + j]!);
    shift += h.insert - h.remove;
  }
  return r;
}
