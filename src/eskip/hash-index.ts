/**
 * An index from int32 hashes to positions in a list the caller keeps (strings, calls, endpoint lists): open
 * addressing with linear probing over one Int32Array of (hash, position) pairs, hash 0 marking a free slot.
 *
 * Why typed arrays and incremental growth: a parse of a million routes keeps over a million entries. A table
 * of JS arrays had to be filled on creation (`new Array(n)` of that size is a dictionary) and rehashed in one
 * step when it grew, 100–300 ms each with the event loop blocked. An Int32Array is allocated zeroed by the
 * system (no fill), and when the table grows the old pairs move over a few per insert, so no single call does
 * more than a bounded amount of work. The caller compares candidates itself (it knows its values), so the
 * index never touches them: growth moves integers only.
 */

/** Old slots moved per insert while a grown table fills: ≥ 2 finishes the move before the next growth. */
const MOVE_PER_INSERT = 8;

/** The smallest power of two ≥ x, within [lo, hi]. */
export function pow2(x: number, lo: number, hi: number): number {
  let c = lo;
  while (c < x && c < hi) c *= 2;
  return c;
}

export class HashIndex {
  /** Pairs (hash, position); hash 0 is a free slot. */
  #t: Int32Array;
  #mask: number;
  /** The table before the last growth while its pairs are being moved (never written: its chains stay intact). */
  #old: Int32Array | null = null;
  #oldMask = 0;
  /** The next old slot to move. */
  #moved = 0;
  #size = 0;
  // The probe in progress (first/next), as fields: no object per lookup.
  #k = 0;
  #inOld = false;
  #free = 0;
  /** Slots visited by lookups and inserts: a work counter, which tests use to prove lookups do not degrade. */
  probes = 0;

  /** `expected`: about how many entries will be kept (the table starts at twice that, within bounds, and grows). */
  constructor(expected: number) {
    const cap = pow2(2 * expected, 16, 1 << 22);
    this.#t = new Int32Array(2 * cap);
    this.#mask = cap - 1;
  }

  /** Entries kept. */
  get size(): number {
    return this.#size;
  }

  /** The position of the first entry with hash `h`, or -1; further candidates come from next(h). */
  first(h: number): number {
    this.#inOld = false;
    this.#k = h & this.#mask;
    return this.next(h);
  }

  /**
   * The position of the next entry with hash `h` after the one first() or next() returned, or -1: then add()
   * may store a new one. An entry is in the current table or, while a growth is being finished, in the old one.
   */
  next(h: number): number {
    let n = 0;
    if (!this.#inOld) {
      const t = this.#t;
      const mask = this.#mask;
      let k = this.#k;
      for (;;) {
        n++;
        const x = t[2 * k]!;
        if (x === 0) break;
        const at = k;
        k = (k + 1) & mask;
        if (x === h) {
          this.#k = k;
          this.probes += n;
          return t[2 * at + 1]!;
        }
      }
      this.#free = k;
      if (this.#old === null) {
        this.probes += n;
        return -1;
      }
      this.#inOld = true;
      this.#k = h & this.#oldMask;
    }
    const o = this.#old!;
    const mask = this.#oldMask;
    let k = this.#k;
    for (;;) {
      n++;
      const x = o[2 * k]!;
      if (x === 0) break;
      const at = k;
      k = (k + 1) & mask;
      if (x === h) {
        this.#k = k;
        this.probes += n;
        return o[2 * at + 1]!;
      }
    }
    this.probes += n;
    return -1;
  }

  /** Stores position `p` under hash `h` (never 0); only right after first() or next() returned -1 for `h`. */
  add(h: number, p: number): void {
    const t = this.#t;
    t[2 * this.#free] = h;
    t[2 * this.#free + 1] = p;
    this.#size++;
    if (this.#old !== null) this.#move(MOVE_PER_INSERT);
    if (this.#size * 2 > this.#mask + 1) this.#grow();
  }

  /** Moves up to `count` slots of the old table into the current one. */
  #move(count: number): void {
    const o = this.#old!;
    const t = this.#t;
    const mask = this.#mask;
    const end = Math.min(this.#moved + count, o.length >> 1);
    let n = 0;
    for (let j = this.#moved; j < end; j++) {
      const h = o[2 * j]!;
      if (h === 0) continue;
      let k = h & mask;
      while (t[2 * k] !== 0) {
        k = (k + 1) & mask;
        n++;
      }
      t[2 * k] = h;
      t[2 * k + 1] = o[2 * j + 1]!;
    }
    this.probes += n + (end - this.#moved);
    this.#moved = end;
    if (end === o.length >> 1) this.#old = null;
  }

  #grow(): void {
    if (this.#old !== null) this.#move(Infinity);
    const cap = (this.#mask + 1) * 2;
    this.#old = this.#t;
    this.#oldMask = this.#mask;
    this.#moved = 0;
    this.#t = new Int32Array(2 * cap);
    this.#mask = cap - 1;
  }
}
