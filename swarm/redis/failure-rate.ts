/**
 * The share of failed script calls of one shard in the last second, as opossum's rolling window counted it
 * (10 buckets of 100 ms; open at ≥ 50 % failed of ≥ 3 calls), in typed arrays: recording a call allocates
 * nothing, where opossum's `fire` cost about 1.2 KB per decision (its promise, closures and events).
 */
const BUCKETS = 10;
const BUCKET_MS = 100;
/** opossum's errorThresholdPercentage 50 and volumeThreshold 3, as before. */
const FAILED_SHARE = 0.5;
const MIN_CALLS = 3;

export class FailureRate {
  private readonly calls = new Int32Array(BUCKETS);
  private readonly failures = new Int32Array(BUCKETS);
  /** The bucket index (time ÷ 100 ms) each slot counts for; a slot from an older round is stale. */
  private readonly index = new Float64Array(BUCKETS).fill(-BUCKETS);

  /** Counts one call ending at `nowMs`; true when it failed and the last second crossed the threshold. */
  record(nowMs: number, failed: boolean): boolean {
    const i = Math.floor(nowMs / BUCKET_MS);
    const slot = i % BUCKETS;
    if (this.index[slot] !== i) {
      this.index[slot] = i;
      this.calls[slot] = 0;
      this.failures[slot] = 0;
    }
    this.calls[slot]!++;
    if (!failed) return false;
    this.failures[slot]!++;
    let calls = 0;
    let failures = 0;
    for (let s = 0; s < BUCKETS; s++) {
      if (this.index[s]! <= i - BUCKETS) continue;
      calls += this.calls[s]!;
      failures += this.failures[s]!;
    }
    return calls >= MIN_CALLS && failures >= calls * FAILED_SHARE;
  }

  /** Forgets the window (the shard came back: old failures must not open it again). */
  reset(): void {
    this.index.fill(-BUCKETS);
  }
}
