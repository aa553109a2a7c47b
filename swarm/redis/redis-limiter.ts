/**
 * The Redis SwarmLimiter (cluster rate limits) and SwarmLeakyBucket (clusterLeakyBucketRatelimit): one
 * script run per decision on the shard that owns the key. While that shard's breaker is open, decisions
 * never wait: fail-closed refuses, else the fallback limiter decides (the gossip limiter when gossip runs),
 * else this instance's share of the limit. Every admission is also counted in this process's
 * {@link AdmissionShadow}, re-seeded into a shard when it returns (see admission-shadow.ts). While a key's
 * headroom is ample, hits are reserved ahead of demand and admitted here without a round trip (lease.ts).
 */
import { createHash } from 'node:crypto';
import type { Decision, LeakyBucketSettings, LimitSettings, SwarmLeakyBucket, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { AdmissionShadow, type Reseed } from './admission-shadow.ts';
import { DEFAULT_LEASE_OPTIONS, Lease, LeaseTable, leaseId, type LeaseOptions } from './lease.ts';
import { LocalFallbackLimiter } from './local-fallback.ts';
import { noRedisStoreMetrics, type RedisStoreMetrics } from './metrics.ts';
import type { RedisShard } from './redis-shard.ts';
import { leakyBucket, slidingWindow, slidingWindowCount, slidingWindowRelease, slidingWindowReseed } from './scripts.ts';
import type { RedisShardRing } from './shard-ring.ts';

export interface RedisLimiterDeps {
  ring: RedisShardRing;
  /** Live swarm members, this instance included; the local fallback allows maxHits ÷ this. */
  members: () => number;
  /** Decides instead of the local share while Redis is away (the gossip limiter, when gossip is on). */
  fallback?: SwarmLimiter;
  metrics?: RedisStoreMetrics;
  /** Lease sizing and bounds (lease.ts); `lifetimeMs: 0` turns leases off. */
  lease?: Partial<LeaseOptions>;
}

/** Decisions for one key waiting for the end of the event-loop turn. */
interface Batch {
  readonly shard: RedisShard;
  readonly limit: LimitSettings;
  /** The Redis key. */
  readonly key: string;
  /** The key's lease entry: the run also reserves for it. */
  readonly lease: Lease | undefined;
  readonly waiting: { key: string; failClosed: boolean; resolve: (d: Decision) => void }[];
}

/** The sliding-window script's answer (scripts.ts). */
type WindowReply = [admitted: number, retryMs: number, count: number, storeNowMs: number, reserved: number, windowLeftMs: number];

/** Retry-After of a fail-closed refusal: about when the breaker next tries the store. */
const FAIL_CLOSED_RETRY_MS = 1000;
/** Client keys longer than this are hashed, so a hostile header cannot grow Redis keys. */
const MAX_RAW_KEY = 64;

const ALLOWED: Decision = Object.freeze({ allowed: true, retryAfterMs: 0, source: 'store' });
const FAIL_CLOSED: Decision = Object.freeze({ allowed: false, retryAfterMs: FAIL_CLOSED_RETRY_MS, source: 'fail-closed' });
/** Shared by every decision a lease admits: no allocation on that path. */
const ALLOWED_NOW: Promise<Decision> = Promise.resolve(ALLOWED);

function part(s: string): string {
  return s.length <= MAX_RAW_KEY ? s : `#${createHash('sha1').update(s).digest('base64url')}`;
}

/** Length-prefixed so that no two (group, key) pairs share a Redis key, whatever characters they hold. */
export function slidingWindowKey(limit: LimitSettings, key: string): string {
  const g = part(limit.group);
  return `skj:sw:${limit.windowMs}:${g.length}:${g}:${part(key)}`;
}

export function leakyBucketKey(bucket: LeakyBucketSettings, label: string): string {
  return `skj:lb:${bucket.capacity}:${bucket.emissionMs}:${part(label)}`;
}

export class RedisSwarmLimiter implements SwarmLimiter, SwarmLeakyBucket {
  private readonly ring: RedisShardRing;
  private readonly fallback: SwarmLimiter | undefined;
  private readonly local: LocalFallbackLimiter;
  private readonly metrics: RedisStoreMetrics;
  private readonly members: () => number;
  /** What this process admitted per key in the current and previous window (re-seeded on a shard's return). */
  readonly shadow = new AdmissionShadow();
  /** Reserved headroom per key (lease.ts); null when leases are off. */
  readonly leases: LeaseTable | null;

  constructor(deps: RedisLimiterDeps) {
    this.ring = deps.ring;
    this.ring.setReturnHook((shard, lostData) => this.reseed(shard, lostData));
    this.fallback = deps.fallback;
    this.members = deps.members;
    this.local = new LocalFallbackLimiter(deps.members);
    this.metrics = deps.metrics ?? noRedisStoreMetrics;
    const lease = { ...DEFAULT_LEASE_OPTIONS, ...deps.lease };
    this.leases = lease.lifetimeMs > 0 ? new LeaseTable(lease, (l, n) => this.release(l, n)) : null;
  }

  /**
   * Decisions for one key asked within one event-loop turn are coalesced: they wait for the turn's end (as
   * auto-pipelining would anyway) and run the script once with their count, which admits exactly as many as
   * single runs in a row would. A group-wide limit (clusterRatelimit) under load then costs one round trip
   * per turn instead of one per request. A live lease admits at once while its shard is available.
   */
  allow(limit: LimitSettings, key: string, failClosed: boolean): Promise<Decision> {
    const k = slidingWindowKey(limit, key);
    const id = leaseId(limit, k);
    const now = performance.now();
    let lease = this.leases?.get(id);
    if (lease !== undefined && this.leases!.take(lease, now)) {
      if (this.leases!.low(lease)) this.refill(lease, now);
      this.metrics.decision(ALLOWED);
      return ALLOWED_NOW;
    }
    const shard = this.ring.shardFor(k);
    if (shard === undefined || !shard.available()) return this.fallBack(limit, key, k, failClosed);
    let b = this.batch.get(id);
    if (b === undefined) {
      if (lease === undefined && this.leases !== null) lease = this.leases.track(id, limit, k, now);
      b = { shard, limit, key: k, lease, waiting: [] };
      this.batch.set(id, b);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    }
    return new Promise<Decision>((resolve) => b.waiting.push({ key, failClosed, resolve }));
  }

  private readonly batch = new Map<string, Batch>();
  private scheduled = false;

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const b of this.batch.values()) void this.decideBatch(b);
    this.batch.clear();
  };

  private async decideBatch(b: Batch): Promise<void> {
    const { limit, waiting, lease } = b;
    const want = lease === undefined ? 0 : this.leases!.wanted(lease, performance.now());
    const r = await this.runWindow(b.shard, limit, b.key, waiting.length, lease, want);
    if (r === undefined) {
      // counted in the shard's metrics; the requests fall back
      for (const w of waiting) void this.fallBack(limit, w.key, b.key, w.failClosed).then(w.resolve);
      return;
    }
    const admitted = r[0];
    const refused: Decision | undefined = admitted < waiting.length ? { allowed: false, retryAfterMs: r[1], source: 'store' } : undefined;
    for (let i = 0; i < waiting.length; i++) {
      const d = i < admitted ? ALLOWED : refused!;
      this.metrics.decision(d);
      waiting[i]!.resolve(d);
    }
  }

  /** Tops up a lease that is half used, in the background: the decisions keep coming from what is left. */
  private refill(lease: Lease, now: number): void {
    const shard = this.ring.shardFor(lease.key);
    if (shard === undefined || !shard.available()) return;
    const want = this.leases!.wanted(lease, now);
    if (want > 0) void this.runWindow(shard, lease.limit, lease.key, 0, lease, want);
  }

  /**
   * One sliding-window run deciding `n` hits and reserving up to `want` for `lease`; counts the admitted and
   * reserved hits in the shadow and grants the reservation. Undefined when the call failed.
   */
  private async runWindow(shard: RedisShard, limit: LimitSettings, k: string, n: number, lease: Lease | undefined, want: number): Promise<WindowReply | undefined> {
    const sentAt = performance.now();
    if (want > 0) lease!.reserving = true;
    let r: WindowReply;
    try {
      const args = want > 0 ? [limit.windowMs, limit.maxHits, n, want, this.leases!.divisor(this.members())] : [limit.windowMs, limit.maxHits, n];
      r = (await shard.run(slidingWindow, k, args)) as WindowReply;
    } catch {
      return undefined;
    } finally {
      if (want > 0) lease!.reserving = false;
    }
    this.shadow.observeStoreTime(r[3]);
    const counted = r[0] + r[4];
    if (counted > 0) this.shadow.admitted(k, limit.windowMs, false, counted);
    if (r[4] > 0) this.leases!.grant(lease!, shard, r[4], Math.floor(r[3] / limit.windowMs), sentAt, r[5], performance.now());
    return r;
  }

  /** Gives a lease's unused hits back to its shard (and takes them out of the shadow). */
  private release(lease: Lease, n: number): void {
    const w = lease.limit.windowMs;
    this.shadow.released(lease.key, w, lease.idx, n);
    const shard = lease.shard;
    // Shard away: the hits stay counted there for their window (the bound in docs/swarm.md "Leases").
    if (shard === undefined || !shard.available()) return;
    shard.run(slidingWindowRelease, lease.key, [w, lease.idx, n]).catch(() => {});
  }

  /** While the key's shard is away (or its call failed): fail-closed, the fallback limiter, or the local share. */
  private async fallBack(limit: LimitSettings, key: string, k: string, failClosed: boolean): Promise<Decision> {
    let d: Decision;
    if (failClosed) d = FAIL_CLOSED;
    else if (this.fallback !== undefined) d = await this.fallback.allow(limit, key, false);
    else d = this.local.allow(limit, key);
    if (d.allowed) this.shadow.admitted(k, limit.windowMs, true);
    this.metrics.decision(d);
    return d;
  }

  /**
   * Gives a returning shard this process's admissions for its keys, in one pipeline: all of them when it
   * lost its data, else those the fallback made. At most once: a failed pipeline is not retried.
   */
  private async reseed(shard: RedisShard, lostData: boolean): Promise<void> {
    const seeds = this.shadow.take((k) => this.ring.shardFor(k) === shard, lostData);
    if (seeds.length > 0) await runReseeds(shard, seeds);
  }

  /** Hits this process holds reserved for `key` and has not admitted yet (lease.ts). */
  leased(limit: LimitSettings, key: string): number {
    return this.leases?.get(leaseId(limit, slidingWindowKey(limit, key)))?.left ?? 0;
  }

  /**
   * The sliding-window estimate for `key` (0 while its shard is away and no fallback counts). It includes hits
   * reserved by leases and not used yet.
   */
  async count(limit: LimitSettings, key: string): Promise<number> {
    const k = slidingWindowKey(limit, key);
    const shard = this.ring.shardFor(k);
    if (shard !== undefined && shard.available()) {
      try {
        return Number(await shard.run(slidingWindowCount, k, [limit.windowMs]));
      } catch {
        // fall through
      }
    }
    return (await this.fallback?.count?.(limit, key)) ?? 0;
  }

  async add(bucket: LeakyBucketSettings, label: string, increment: number, failClosed: boolean): Promise<Decision> {
    if (increment > bucket.capacity) return { allowed: false, retryAfterMs: 0, source: 'store' };
    const k = leakyBucketKey(bucket, label);
    const shard = this.ring.shardFor(k);
    let d: Decision | undefined;
    if (shard !== undefined && shard.available()) {
      try {
        // Microseconds, as Skipper's script: the emptying time stays an exact integer below 2^53.
        const x = Number(await shard.run(leakyBucket, k, [bucket.capacity, Math.round(bucket.emissionMs * 1000), increment]));
        d = x >= 0 ? ALLOWED : { allowed: false, retryAfterMs: Math.ceil(-x / 1000), source: 'store' };
      } catch {
        // fall back below
      }
    }
    if (d === undefined) d = failClosed ? FAIL_CLOSED : this.local.add(bucket, label, increment);
    this.metrics.decision(d);
    return d;
  }
}

/** One pipelined batch of re-seed scripts (EVAL: a shard that lost its data lost its script cache too). */
async function runReseeds(shard: RedisShard, seeds: readonly Reseed[]): Promise<void> {
  const p = shard.client.pipeline();
  p.script('LOAD', slidingWindowReseed.source);
  for (const s of seeds) p.evalsha(slidingWindowReseed.sha, 1, s.key, s.windowMs, s.idx, s.cur, s.prev);
  const out = (await p.exec()) ?? [];
  const failed = out.find(([err]) => err !== null);
  if (failed !== undefined) throw failed[0];
}
