/**
 * What this process admitted per sliding-window key in the current and the previous window, on Redis and on
 * the fallback alike: the part of the fleet's count that only this process can give back to a shard that
 * lost it. When a shard returns, the limiter adds (re-seeds) into it
 *   - everything in the shadow when the shard came back empty (new epoch: restarted without persistence,
 *     flushed), since none of this process's admissions are there any more;
 *   - only what was admitted on the fallback when the shard kept its data (same epoch: hung, partitioned).
 * Summed over processes, the re-seeded counts are the fleet's admissions, so a returning shard neither
 * forgets the window (burst of wrong admissions) nor counts it twice (burst of wrong refusals).
 *
 * Windows are indexed on the shard's clock (the scripts return Redis TIME), corrected locally by the offset
 * seen in the last answer, so a re-seed lands in the window the script will count it in.
 * Bounded: entries of keys idle for two windows are swept; beyond MAX_ENTRIES new keys are not shadowed
 * (their admissions are missing from a re-seed — an under-count, never an over-refusal).
 */

/** One key's admissions by this process; `…Off` is the part made while its shard was away. */
export interface ShadowEntry {
  readonly key: string;
  readonly windowMs: number;
  idx: number;
  cur: number;
  prev: number;
  curOff: number;
  prevOff: number;
}

/** What one re-seed adds for one key: counts for window `idx` (cur) and `idx - 1` (prev). */
export interface Reseed {
  readonly key: string;
  readonly windowMs: number;
  readonly idx: number;
  readonly cur: number;
  readonly prev: number;
}

export const MAX_ENTRIES = 100_000;
const SWEEP_EVERY = 4096;

export class AdmissionShadow {
  readonly #entries = new Map<string, ShadowEntry>();
  readonly #now: () => number;
  /** Shard clock minus local clock, from the last store answer. */
  #offset = 0;
  #calls = 0;
  readonly #max: number;

  constructor(now: () => number = Date.now, max = MAX_ENTRIES) {
    this.#now = now;
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The shard's clock as the last answer showed it (ms). */
  observeStoreTime(storeNowMs: number): void {
    this.#offset = storeNowMs - this.#now();
  }

  /**
   * Counts `n` admissions of `key`; `offStore` when the fallback admitted them. Hits a lease reserved are
   * counted here when Redis counted them (at reservation), not when they are used: that is what a shard that
   * loses its data loses.
   */
  admitted(key: string, windowMs: number, offStore: boolean, n = 1): void {
    const now = this.#now() + this.#offset;
    if (++this.#calls % SWEEP_EVERY === 0) this.#sweep(now);
    const idx = Math.floor(now / windowMs);
    let e = this.#entries.get(key);
    if (e === undefined) {
      if (this.#entries.size >= this.#max) return;
      e = { key, windowMs, idx, cur: 0, prev: 0, curOff: 0, prevOff: 0 };
      this.#entries.set(key, e);
    } else roll(e, idx);
    e.cur += n;
    if (offStore) e.curOff += n;
  }

  /** Takes back `n` hits reserved on the store in its window `storeIdx` and given back unused (see lease.ts). */
  released(key: string, windowMs: number, storeIdx: number, n: number): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    roll(e, Math.floor((this.#now() + this.#offset) / windowMs));
    if (e.idx === storeIdx) e.cur = Math.max(0, e.cur - n);
    else if (e.idx === storeIdx + 1) e.prev = Math.max(0, e.prev - n);
  }

  /**
   * Takes what a returning shard must get for the keys `owns` selects: all counts when `all` (the shard
   * came back empty), else the fallback part. The taken fallback counts are cleared at once (admissions made
   * while the re-seed is in flight count for the next one) and not given back if the re-seed fails: a
   * timed-out re-seed may have reached Redis, so counts are re-seeded at most once (an under-count, never a
   * double count).
   */
  take(owns: (key: string) => boolean, all: boolean): Reseed[] {
    const idx = (w: number) => Math.floor((this.#now() + this.#offset) / w);
    const out: Reseed[] = [];
    for (const e of this.#entries.values()) {
      if (!owns(e.key)) continue;
      roll(e, idx(e.windowMs));
      const cur = all ? e.cur : e.curOff;
      const prev = all ? e.prev : e.prevOff;
      e.curOff = e.prevOff = 0;
      if (cur > 0 || prev > 0) out.push({ key: e.key, windowMs: e.windowMs, idx: e.idx, cur, prev });
    }
    return out;
  }

  #sweep(now: number): void {
    for (const [k, e] of this.#entries) if (Math.floor(now / e.windowMs) - e.idx > 1) this.#entries.delete(k);
  }
}

function roll(e: ShadowEntry, idx: number): void {
  if (e.idx >= idx) return;
  if (e.idx === idx - 1) {
    e.prev = e.cur;
    e.prevOff = e.curOff;
  } else {
    e.prev = e.prevOff = 0;
  }
  e.cur = e.curOff = 0;
  e.idx = idx;
}
