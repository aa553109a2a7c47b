/** The incremental converter's route lists, flattened from per-object pieces without walking the unchanged ones. */

/** A sequence of segments: how many, and the i-th. */
export interface Segments<T> {
  readonly count: number;
  at(i: number): readonly T[];
}

/**
 * Flattens a sequence of arrays (segments), reusing the previous result around the segments that changed.
 * Segments are compared by identity, so a segment must never be mutated once flattened: a changed piece is a
 * new array. With one changed segment among 20,000 the cost is pointer comparisons and one copy of the result
 * (memcpy speed), not a push per element; the previous result is left as it was (callers keep it).
 */
export class FlatSegments<T> {
  /** The segments of the last result, patched in place. */
  readonly #segs: (readonly T[])[] = [];
  #flat: T[] = [];

  /** The concatenation of `count` segments, the i-th being `at(i)`; the same array as before when none changed. */
  flatten(count: number, at: (i: number) => readonly T[]): T[] {
    const prev = this.#segs;
    const limit = Math.min(prev.length, count);
    let p = 0;
    let head = 0;
    while (p < limit && prev[p] === at(p)) head += prev[p++]!.length;
    let s = 0;
    let tail = 0;
    while (s < limit - p && prev[prev.length - 1 - s] === at(count - 1 - s)) tail += prev[prev.length - 1 - s++]!.length;
    if (p === prev.length && p === count) return this.#flat;
    const segs: (readonly T[])[] = [];
    const mid: T[] = [];
    for (let i = p; i < count - s; i++) {
      const seg = at(i);
      segs.push(seg);
      for (const x of seg) mid.push(x);
    }
    spliceIn(prev, p, prev.length - s - p, segs);
    const old = this.#flat;
    // toSpliced is one allocation and a bulk copy; spreading a large middle (the first run) would overflow the stack.
    this.#flat = mid.length <= 4096 ? old.toSpliced(head, old.length - tail - head, ...mid) : old.slice(0, head).concat(mid, old.slice(old.length - tail));
    return this.#flat;
  }
}

/** `list.splice(at, remove, ...items)` without spreading (items may be many). */
function spliceIn<T>(list: T[], at: number, remove: number, items: readonly T[]): void {
  if (items.length <= 4096) {
    list.splice(at, remove, ...items);
    return;
  }
  const rest = list.splice(at + remove);
  list.length = at;
  for (const x of items) list.push(x);
  for (const x of rest) list.push(x);
}
