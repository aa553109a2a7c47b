/**
 * Sliding-window counting, per key: a key admits at most `maxHits` in any window of `windowMs`. Refused
 * hits are not recorded, so a client that keeps hammering is admitted again as soon as its oldest admitted
 * hit leaves the window.
 *
 * Up to {@link EXACT_MAX} hits per window, the times of the last `maxHits` admitted hits are kept in a ring
 * (exact, as Skipper's circular-buffer limiter). Above, memory would grow with the limit (Skipper's
 * documented `N × M × 15 bytes`; `ratelimit(100000000, "1h")` would need 800 MB for one key), so the window
 * is cut into {@link SLOTS} slots and a hit counts in its slot: memory is O(1) per key, the bound still
 * holds in every window (a hit counts for at least the whole window), and a hit leaves at most one slot
 * (windowMs/64) late.
 */

/** Limits up to this many hits per window are counted exactly. */
export const EXACT_MAX = 64;
/** Slots per window of the bounded counter. */
export const SLOTS = 64;

interface Counter {
  /** The newest hit, for sweeping idle keys. */
  newest: number;
  /** Counts a hit at `now` if there is room; returns -1 when admitted, else ms until there is room. */
  hit(now: number): number;
  count(now: number): number;
}

/** One key's ring of hit times (ms). */
class Ring implements Counter {
  readonly times: Float64Array;
  /** Index of the oldest slot; the next hit overwrites it once the ring is full. */
  next = 0;
  /** The newest hit, for sweeping idle keys. */
  newest = 0;
  readonly #windowMs: number;
  constructor(size: number, windowMs: number) {
    // -Infinity: an empty slot is older than any window.
    this.times = new Float64Array(size).fill(-Infinity);
    this.#windowMs = windowMs;
  }
  hit(now: number): number {
    const oldest = this.times[this.next]!;
    if (now - oldest < this.#windowMs) return oldest + this.#windowMs - now;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.times.length;
    this.newest = now;
    return -1;
  }
  count(now: number): number {
    let n = 0;
    for (const t of this.times) if (now - t < this.#windowMs) n++;
    return n;
  }
}

/**
 * Hits counted per slot of windowMs/SLOTS. A hit in slot k counts while the current slot is at most
 * k + SLOTS, i.e. until (k + SLOTS + 1) × slot ≥ its time + windowMs: never shorter than the window.
 */
class Slots implements Counter {
  newest = 0;
  readonly #counts = new Float64Array(SLOTS + 1);
  readonly #slotMs: number;
  readonly #maxHits: number;
  /** The absolute number of the newest slot written to. */
  #head = -Infinity;
  #total = 0;
  constructor(maxHits: number, windowMs: number) {
    this.#maxHits = maxHits;
    this.#slotMs = windowMs / SLOTS;
  }
  #advance(slot: number): void {
    if (slot <= this.#head) return;
    const n = this.#counts.length;
    if (slot - this.#head >= n) {
      this.#counts.fill(0);
      this.#total = 0;
    } else {
      for (let s = this.#head + 1; s <= slot; s++) {
        this.#total -= this.#counts[s % n]!;
        this.#counts[s % n] = 0;
      }
    }
    this.#head = slot;
  }
  hit(now: number): number {
    const slot = Math.floor(now / this.#slotMs);
    this.#advance(slot);
    const n = this.#counts.length;
    if (this.#total < this.#maxHits) {
      this.#counts[slot % n]!++;
      this.#total++;
      this.newest = now;
      return -1;
    }
    // Room comes when enough of the oldest slots have left: slot s leaves at (s + n) × slotMs.
    let left = this.#total;
    for (let s = slot - n + 1; s <= slot; s++) {
      left -= this.#counts[((s % n) + n) % n]!;
      if (left < this.#maxHits) return (s + n) * this.#slotMs - now;
    }
    return this.#slotMs;
  }
  count(now: number): number {
    this.#advance(Math.floor(now / this.#slotMs));
    return this.#total;
  }
}

/** The answer of one local decision. */
export interface LocalDecision {
  readonly allowed: boolean;
  /** Until the oldest counted hit leaves the window, when refused; 0 when allowed. */
  readonly retryAfterMs: number;
}

export const ALLOWED: LocalDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });

/** The rings of one limiter (one settings key), keyed by client identity. */
export class SlidingLog {
  readonly maxHits: number;
  readonly windowMs: number;
  readonly #rings = new Map<string, Counter>();
  #nextSweep = 0;

  constructor(maxHits: number, windowMs: number) {
    this.maxHits = maxHits;
    this.windowMs = windowMs;
  }

  /** Counts a hit for `key` at `now` if the window has room. */
  allow(key: string, now: number): LocalDecision {
    if (now >= this.#nextSweep) this.#sweep(now);
    let r = this.#rings.get(key);
    if (r === undefined) {
      r = this.maxHits <= EXACT_MAX ? new Ring(this.maxHits, this.windowMs) : new Slots(this.maxHits, this.windowMs);
      this.#rings.set(key, r);
    }
    const wait = r.hit(now);
    return wait < 0 ? ALLOWED : { allowed: false, retryAfterMs: wait };
  }

  /** Hits counted for `key` in the window ending at `now`. */
  count(key: string, now: number): number {
    return this.#rings.get(key)?.count(now) ?? 0;
  }

  /** Keys tracked (for tests and memory bounds). */
  get size(): number {
    return this.#rings.size;
  }

  // Forgets keys idle for a whole window: their rings hold nothing that still counts. Runs at most once per
  // window (and at least every 10 s), so memory follows the active clients without a timer.
  #sweep(now: number): void {
    // A counted slot may outlive the window by one slot; idle keys go only once nothing of theirs counts.
    const idle = this.windowMs * (1 + 1 / SLOTS);
    for (const [k, r] of this.#rings) if (now - r.newest >= idle) this.#rings.delete(k);
    this.#nextSweep = now + Math.min(this.windowMs, 10_000);
  }
}
