/**
 * Exact sliding-window counting, per key: the times of the last `maxHits` admitted hits in a ring, so a
 * key admits at most `maxHits` in any window of `windowMs` (Skipper's circular-buffer limiter, the same
 * O(maxHits) memory per key). Refused hits are not recorded, so a client that keeps hammering is admitted
 * again as soon as its oldest admitted hit leaves the window.
 */

/** One key's ring of hit times (ms). */
class Ring {
  readonly times: Float64Array;
  /** Index of the oldest slot; the next hit overwrites it once the ring is full. */
  next = 0;
  /** The newest hit, for sweeping idle keys. */
  newest = 0;
  constructor(size: number) {
    // -Infinity: an empty slot is older than any window.
    this.times = new Float64Array(size).fill(-Infinity);
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
  readonly #rings = new Map<string, Ring>();
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
      r = new Ring(this.maxHits);
      this.#rings.set(key, r);
    }
    const oldest = r.times[r.next]!;
    if (now - oldest < this.windowMs) return { allowed: false, retryAfterMs: oldest + this.windowMs - now };
    r.times[r.next] = now;
    r.next = (r.next + 1) % this.maxHits;
    r.newest = now;
    return ALLOWED;
  }

  /** Hits counted for `key` in the window ending at `now`. */
  count(key: string, now: number): number {
    const r = this.#rings.get(key);
    if (r === undefined) return 0;
    let n = 0;
    for (const t of r.times) if (now - t < this.windowMs) n++;
    return n;
  }

  /** Keys tracked (for tests and memory bounds). */
  get size(): number {
    return this.#rings.size;
  }

  // Forgets keys idle for a whole window: their rings hold nothing that still counts. Runs at most once per
  // window (and at least every 10 s), so memory follows the active clients without a timer.
  #sweep(now: number): void {
    for (const [k, r] of this.#rings) if (now - r.newest >= this.windowMs) this.#rings.delete(k);
    this.#nextSweep = now + Math.min(this.windowMs, 10_000);
  }
}
