/**
 * Per-instance counting: the state behind `ratelimit`, `clientRatelimit` and `localRatelimit`. It belongs to
 * the instance, not to a worker: with `-workers 1` the process holds it ({@link InProcessLimiter}); with
 * `-workers N` the primary holds it and workers reach it over the cluster IPC channel
 * (see ipc-limiter.ts), so `ratelimit(100, "1m")` admits 100 per instance whatever N is.
 */
import { SlidingLog, type LocalDecision } from './sliding-log.ts';

/** One per-instance bucket family: where requests are counted and how many a window admits. */
export interface BucketSpec {
  /** The limiter's registry key; equal settings share the buckets. */
  readonly id: string;
  readonly maxHits: number;
  readonly windowMs: number;
}

/** Counts one request for `key` in the instance's buckets of `bucket` and decides it. */
export interface InstanceLimiter {
  allow(bucket: BucketSpec, key: string): LocalDecision | Promise<LocalDecision>;
}

/** The instance's buckets held in this process. Synchronous: a decision is one Map lookup and a ring step. */
export class InProcessLimiter implements InstanceLimiter {
  readonly #logs = new Map<string, SlidingLog>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The log of one bucket family, made on first use; callers on the hot path keep it. */
  log(bucket: BucketSpec): SlidingLog {
    let l = this.#logs.get(bucket.id);
    if (l === undefined) {
      l = new SlidingLog(bucket.maxHits, bucket.windowMs);
      this.#logs.set(bucket.id, l);
    }
    return l;
  }

  allow(bucket: BucketSpec, key: string): LocalDecision {
    return this.log(bucket).allow(key, this.#now());
  }

  /** Hits counted now for `key` (tests, X-Rate-Limit consumers). */
  count(bucket: BucketSpec, key: string): number {
    return this.#logs.get(bucket.id)?.count(key, this.#now()) ?? 0;
  }
}
