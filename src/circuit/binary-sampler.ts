/**
 * The outcomes of the last `size` requests, counting the failures among them (Skipper's binarySampler,
 * the window of rateBreaker). A ring of bytes: one write and at most one decrement per tick.
 */
export class BinarySampler {
  readonly #ring: Uint8Array;
  #next = 0;
  #filled = 0;
  /** Set samples (failures) within the window. */
  count = 0;

  constructor(size: number) {
    this.#ring = new Uint8Array(size > 0 ? size : 1);
  }

  tick(set: boolean): void {
    const ring = this.#ring;
    if (this.#filled === ring.length) {
      if (ring[this.#next] === 1) this.count--;
    } else {
      this.#filled++;
    }
    ring[this.#next] = set ? 1 : 0;
    if (set) this.count++;
    this.#next = this.#next + 1 === ring.length ? 0 : this.#next + 1;
  }
}
