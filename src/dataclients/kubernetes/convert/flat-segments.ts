/** The incremental converter's route lists, flattened from per-object pieces without walking the unchanged ones. */

/**
 * Flattens a sequence of arrays (segments), reusing the previous result around the segments that changed.
 * Segments are compared by identity, so a segment must never be mutated once flattened: a changed piece is a
 * new array. With one changed segment among 20,000 the cost is two array copies (memcpy speed) and pointer
 * comparisons, not a push per element.
 */
export class FlatSegments<T> {
  #segs: readonly (readonly T[])[] = [];
  #flat: T[] = [];

  /** The concatenation of `segs`; the same array as the previous call when no segment changed. */
  flatten(segs: readonly (readonly T[])[]): T[] {
    const prev = this.#segs;
    const old = this.#flat;
    const limit = Math.min(prev.length, segs.length);
    let p = 0;
    let head = 0;
    while (p < limit && prev[p] === segs[p]) head += segs[p++]!.length;
    let s = 0;
    let tail = 0;
    while (s < limit - p && prev[prev.length - 1 - s] === segs[segs.length - 1 - s]) {
      tail += segs[segs.length - 1 - s]!.length;
      s++;
    }
    this.#segs = segs;
    if (p === prev.length && p === segs.length) return old;
    const mid: T[] = [];
    for (let i = p; i < segs.length - s; i++) for (const x of segs[i]!) mid.push(x);
    // slice and concat copy packed arrays wholesale; the previous result is left as it was (callers keep it).
    return (this.#flat = old.slice(0, head).concat(mid, old.slice(old.length - tail)));
  }
}
