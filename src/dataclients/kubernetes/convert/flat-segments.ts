/** The incremental converter's route lists, flattened from per-object pieces without walking the unchanged ones. */

/** A sequence of segments: how many, and the i-th. */
export interface Segments<T> {
  readonly count: number;
  at(i: number): readonly T[];
}

/** Beyond this many changed segments a fresh concatenation beats patching a copy splice by splice. */
const MAX_PATCHES = 64;
/** Spreading more arguments than this into splice risks the stack. */
const MAX_SPREAD = 4096;

/**
 * Flattens a sequence of arrays (segments), reusing the previous result around the segments that changed.
 * Segments are compared by identity, so a segment must never be mutated once flattened: a changed piece is a
 * new array. The cost is pointer comparisons over the segments plus one bulk copy of the previous result and
 * a splice per changed segment — not a push per element. A result is never modified once returned (callers
 * keep it); when no segment changed, the previous result itself is returned.
 */
export class FlatSegments<T> {
  /** The segments of the last result. */
  #segs: (readonly T[])[] = [];
  #flat: T[] = [];

  /** The concatenation of `count` segments, the i-th being `at(i)`. */
  flatten(count: number, at: (i: number) => readonly T[]): T[] {
    if (count === this.#segs.length) {
      const r = this.#patch(count, at);
      if (r !== undefined) return r;
    } else {
      const r = this.#spliceRegion(count, at);
      if (r !== undefined) return r;
    }
    const segs: (readonly T[])[] = new Array(count);
    const flat: T[] = [];
    for (let i = 0; i < count; i++) for (const x of (segs[i] = at(i))) flat.push(x);
    this.#segs = segs;
    return (this.#flat = flat);
  }

  /** Same number of segments: patch a copy at each changed one; undefined when too many changed. */
  #patch(count: number, at: (i: number) => readonly T[]): T[] | undefined {
    const prev = this.#segs;
    const changed: number[] = [];
    const positions: number[] = [];
    let pos = 0;
    for (let i = 0; i < count; i++) {
      const seg = at(i);
      if (seg !== prev[i]) {
        if (changed.length === MAX_PATCHES) return undefined;
        changed.push(i);
        positions.push(pos);
      }
      pos += seg.length;
    }
    if (changed.length === 0) return this.#flat;
    const out = this.#flat.slice();
    // In ascending order, each position (in the new layout) is where the splices before it put the segment.
    for (let k = 0; k < changed.length; k++) {
      const i = changed[k]!;
      const seg = at(i);
      const was = prev[i]!;
      const p = positions[k]!;
      if (seg.length === was.length) for (let j = 0; j < seg.length; j++) out[p + j] = seg[j]!;
      else if (seg.length <= MAX_SPREAD) out.splice(p, was.length, ...seg);
      else return undefined;
      prev[i] = seg;
    }
    return (this.#flat = out);
  }

  /** Segments came or went: one region between a common prefix and suffix; undefined when it is large. */
  #spliceRegion(count: number, at: (i: number) => readonly T[]): T[] | undefined {
    const prev = this.#segs;
    const limit = Math.min(prev.length, count);
    let p = 0;
    let head = 0;
    while (p < limit && prev[p] === at(p)) head += prev[p++]!.length;
    let s = 0;
    let tail = 0;
    while (s < limit - p && prev[prev.length - 1 - s] === at(count - 1 - s)) tail += prev[prev.length - 1 - s++]!.length;
    const segs: (readonly T[])[] = [];
    const mid: T[] = [];
    for (let i = p; i < count - s; i++) {
      const seg = at(i);
      segs.push(seg);
      for (const x of seg) mid.push(x);
      if (mid.length > MAX_SPREAD) return undefined;
    }
    const old = this.#flat;
    this.#segs = prev.slice(0, p).concat(segs, prev.slice(prev.length - s));
    return (this.#flat = old.toSpliced(head, old.length - tail - head, ...mid));
  }
}
