/**
 * What decides while a Redis shard is away and no other swarm limiter is given: this instance's share of
 * the limit (maxHits ÷ live members) as a sliding-window counter in memory, and a leaky bucket leaking at
 * this instance's share of the rate. Entries of idle keys are swept, so memory stays bounded by the keys
 * active within two windows.
 */
import type { Decision, LeakyBucketSettings, LimitSettings } from '../../src/ratelimit/ports.ts';

interface Window {
  idx: number;
  cur: number;
  prev: number;
  windowMs: number;
}

const SWEEP_EVERY = 1024;

export class LocalFallbackLimiter {
  private readonly members: () => number;
  private readonly now: () => number;
  private windows = new Map<string, Window>();
  private buckets = new Map<string, { emptyAt: number }>();
  private calls = 0;

  constructor(members: () => number, now: () => number = Date.now) {
    this.members = members;
    this.now = now;
  }

  private share(): number {
    return Math.max(1, this.members());
  }

  allow(limit: LimitSettings, key: string): Decision {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    const max = limit.maxHits / this.share();
    const w = limit.windowMs;
    const idx = Math.floor(now / w);
    const id = `${w}\u0000${limit.group}\u0000${key}`;
    let s = this.windows.get(id);
    if (s === undefined) {
      s = { idx, cur: 0, prev: 0, windowMs: w };
      this.windows.set(id, s);
    } else if (s.idx < idx) {
      s.prev = s.idx === idx - 1 ? s.cur : 0;
      s.cur = 0;
      s.idx = idx;
    }
    const elapsed = now - idx * w;
    if ((s.prev * (w - elapsed)) / w + s.cur + 1 <= max) {
      s.cur++;
      return { allowed: true, retryAfterMs: 0, source: 'fallback' };
    }
    const retry = s.cur + 1 <= max && s.prev > 0 ? w - ((max - s.cur - 1) * w) / s.prev - elapsed : w - elapsed;
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(retry)), source: 'fallback' };
  }

  add(bucket: LeakyBucketSettings, label: string, increment: number): Decision {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    // This instance's share of the leak rate: every member leaks the same bucket in parallel.
    const emission = bucket.emissionMs * this.share();
    const id = `${bucket.capacity}\u0000${bucket.emissionMs}\u0000${label}`;
    let b = this.buckets.get(id);
    if (b === undefined) this.buckets.set(id, (b = { emptyAt: now }));
    const emptyAt = Math.max(b.emptyAt, now);
    const x = (bucket.capacity - increment) * emission - (emptyAt - now);
    if (x >= 0) {
      b.emptyAt = emptyAt + increment * emission;
      return { allowed: true, retryAfterMs: 0, source: 'fallback' };
    }
    return { allowed: false, retryAfterMs: Math.ceil(-x), source: 'fallback' };
  }

  private sweep(now: number): void {
    for (const [id, s] of this.windows) if (Math.floor(now / s.windowMs) - s.idx > 1) this.windows.delete(id);
    for (const [id, b] of this.buckets) if (b.emptyAt < now) this.buckets.delete(id);
  }
}
