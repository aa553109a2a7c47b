/**
 * Leases: hits of one sliding-window key reserved on its shard ahead of demand, then admitted in this process
 * without a round trip. A coalesced script run that waits for Redis moves every connection in lockstep with
 * it (latency-bound); while a key's headroom is ample, a lease lets steady traffic on it decide at once and
 * refills in the background, at half, before it runs out.
 *
 * Invariants (docs/swarm.md "Leases"):
 * - Reserved hits are counted in Redis (and in the admission shadow) when reserved, so the fleet never admits
 *   more than the limit: a lease only spends what the store already granted.
 * - A reservation takes at most ⌊headroom ÷ (members × k)⌋ (computed in the script, atomically), and none below
 *   members × k: near the limit there are no leases and every decision is a store decision, exact as before.
 * - Sized by demand: the hits this process asked for the key over the last sample, extrapolated to one lease
 *   lifetime; below MIN_LEASE (a client key asked a few times an hour) no lease, unchanged behaviour.
 * - A lease ends `lifetimeMs` after its reservation was answered and never outlives the store window it was
 *   counted in (its end comes from the script, measured from when the call was sent: never later than the
 *   window's real end). Unused hits are
 *   then given back (the caller's `release`); if that fails they are the under-admission, at most one lease
 *   per key and process, for that window.
 * - Bounded: at most `maxEntries` keys are tracked (others are not leased); idle entries are swept.
 */
import type { LimitSettings } from '../../src/ratelimit/ports.ts';
import type { RedisShard } from './redis-shard.ts';

export interface LeaseOptions {
  /** How long a reservation may be used (ms); also the horizon its size is computed for. */
  readonly lifetimeMs: number;
  /** A reservation takes at most headroom ÷ (members × k). */
  readonly k: number;
  /** Keys tracked at most; beyond, keys are decided without leases. */
  readonly maxEntries: number;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = Object.freeze({ lifetimeMs: 200, k: 4, maxEntries: 10_000 });

/** Fewer expected hits per lifetime than this: no lease (the reservation would cost a give-back for nothing). */
const MIN_LEASE = 2;
/** Demand is measured over at least this long before a key's first reservation. */
const MIN_SAMPLE_MS = 20;

/** One key's lease and the demand seen for it. Times are performance.now() ms. */
export class Lease {
  /** Reserved hits not yet admitted. */
  left = 0;
  /** The store window (index) they were counted in. */
  idx = 0;
  expiresAt = 0;
  /** What the lease held after its last top-up: it refills when half of that is used. */
  chunk = 0;
  /** The shard the hits were reserved on (given back there). */
  shard: RedisShard | undefined;
  /** A reservation is in flight: no second one is asked. */
  reserving = false;
  /** No sample taken yet: the key's first store run never reserves. */
  fresh = true;
  /** Decisions asked since `since`. */
  hits = 0;
  since: number;
  seen: number;
  readonly limit: LimitSettings;
  /** The Redis key. */
  readonly key: string;

  constructor(limit: LimitSettings, key: string, now: number) {
    this.limit = limit;
    this.key = key;
    this.since = this.seen = now;
  }
}

export class LeaseTable {
  readonly #o: LeaseOptions;
  readonly #entries = new Map<string, Lease>();
  readonly #release: (l: Lease, n: number) => void;
  #timer: NodeJS.Timeout | undefined;

  /** `release` gives `n` unused hits of `l` back (called once per expired lease, with `l.idx`/`l.shard` set). */
  constructor(o: LeaseOptions, release: (l: Lease, n: number) => void) {
    this.#o = o;
    this.#release = release;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): Lease | undefined {
    return this.#entries.get(id);
  }

  /** The entry for `id`, created when there is room; undefined at the cap. */
  track(id: string, limit: LimitSettings, key: string, now: number): Lease | undefined {
    let l = this.#entries.get(id);
    if (l !== undefined) return l;
    if (this.#entries.size >= this.#o.maxEntries) return undefined;
    this.#entries.set(id, (l = new Lease(limit, key, now)));
    if (this.#timer === undefined) {
      // Twice per lifetime: an unused lease is given back at most half a lifetime after it ended.
      this.#timer = setInterval(() => this.#sweep(performance.now()), Math.max(10, this.#o.lifetimeMs >> 1));
      this.#timer.unref();
    }
    return l;
  }

  /**
   * Counts one decision for `l` and admits it from the lease if the lease is live and its shard available (while
   * the shard is away decisions fall back at once, as without leases; the lease is used again if the shard
   * returns before it ends); an expired one is released. True when admitted.
   */
  take(l: Lease, now: number): boolean {
    l.hits++;
    l.seen = now;
    if (l.left === 0) return false;
    if (now >= l.expiresAt) {
      this.#expire(l);
      return false;
    }
    if (!l.shard!.available()) return false;
    l.left--;
    return true;
  }

  /** True when `l` is at or below half of its last top-up and no reservation is in flight. */
  low(l: Lease): boolean {
    return !l.reserving && l.left <= l.chunk >> 1;
  }

  /**
   * Hits to reserve now: the demand of the last sample over one lifetime, minus what is still leased; 0 at the
   * key's first run, while a reservation is in flight, before the first sample is long enough, or below
   * MIN_LEASE. Starts a new sample.
   */
  wanted(l: Lease, now: number): number {
    if (l.reserving) return 0;
    if (l.fresh) {
      // A key's first run (a burst in one turn, however late the turn ends) is no rate: the sample starts here.
      l.fresh = false;
      l.hits = 0;
      l.since = now;
      return 0;
    }
    const elapsed = now - l.since;
    if (elapsed < MIN_SAMPLE_MS && l.chunk === 0) return 0;
    const want = Math.floor((l.hits * this.#o.lifetimeMs) / Math.max(elapsed, MIN_SAMPLE_MS)) - l.left;
    l.hits = 0;
    l.since = now;
    return want >= MIN_LEASE ? want : 0;
  }

  /** The headroom divisor for the script: a reservation takes at most headroom ÷ this. */
  divisor(members: number): number {
    return Math.max(1, members) * this.#o.k;
  }

  /**
   * Adds `reserved` hits counted in store window `idx` on `shard`, usable for one lifetime from `now` (the
   * answer) but never past `sentAt` plus the `windowLeftMs` the store reported. A lease still live is from the same window
   * (it cannot outlive it) and is topped up; an expired remainder is released first.
   */
  grant(l: Lease, shard: RedisShard, reserved: number, idx: number, sentAt: number, windowLeftMs: number, now: number): void {
    if (l.left > 0 && (now >= l.expiresAt || l.idx !== idx || l.shard !== shard)) this.#expire(l);
    l.left += reserved;
    l.idx = idx;
    l.shard = shard;
    // The window end counts from the send (never later than the real end); the lifetime from the answer, so a
    // slow round trip (a process descheduled for longer than a lifetime) does not waste the reservation.
    l.expiresAt = Math.min(sentAt + windowLeftMs, now + this.#o.lifetimeMs);
    l.chunk = l.left;
  }

  #expire(l: Lease): void {
    const n = l.left;
    l.left = 0;
    l.chunk = 0;
    this.#release(l, n);
  }

  #sweep(now: number): void {
    const idle = 2 * this.#o.lifetimeMs;
    for (const [id, l] of this.#entries) {
      if (l.left > 0 && now >= l.expiresAt) this.#expire(l);
      // an entry with a reservation in flight stays: its answer is granted to it
      if (l.left === 0 && !l.reserving && now - l.seen > idle) this.#entries.delete(id);
    }
    if (this.#entries.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/** The table key of a lease: limits with another maxHits on the same Redis key lease apart. */
export function leaseId(limit: LimitSettings, redisKey: string): string {
  return `${limit.maxHits}\u0000${redisKey}`;
}
