/** A small sorted container for the incremental converter's per-object pieces. */

/** A list kept sorted by `cmp` (equal elements in insertion order); insert and remove by binary search. */
export class SortedList<T> {
  readonly items: T[] = [];
  readonly #cmp: (a: T, b: T) => number;
  constructor(cmp: (a: T, b: T) => number) {
    this.#cmp = cmp;
  }
  insert(x: T): void {
    const n = this.items.length;
    // Objects mostly arrive in order (the watch layer keeps them sorted): appending needs one comparison.
    if (n === 0 || this.#cmp(this.items[n - 1]!, x) <= 0) {
      this.items.push(x);
      return;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cmp(this.items[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, x);
  }
  remove(x: T): void {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cmp(this.items[mid]!, x) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.items.length && this.#cmp(this.items[i]!, x) === 0; i++) {
      if (this.items[i] === x) {
        this.items.splice(i, 1);
        return;
      }
    }
  }
  get size(): number {
    return this.items.length;
  }
}
