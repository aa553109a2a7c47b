/**
 * The Redis SwarmLimiter (cluster rate limits) and SwarmLeakyBucket (clusterLeakyBucketRatelimit): one
 * script run per decision on the shard that owns the key. While that shard's breaker is open, decisions
 * never wait: fail-closed refuses, else the fallback limiter decides (the gossip limiter when gossip runs),
 * else this instance's share of the limit. Every admission is also counted in this process's
 * {@link AdmissionShadow}, re-seeded into a shard when it returns (see admission-shadow.ts).
 */
import { createHash } from 'node:crypto';
import type { Decision, LeakyBucketSettings, LimitSettings, SwarmLeakyBucket, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { AdmissionShadow, type Reseed } from './admission-shadow.ts';
import { LocalFallbackLimiter } from './local-fallback.ts';
import { noRedisStoreMetrics, type RedisStoreMetrics } from './metrics.ts';
import type { RedisShard } from './redis-shard.ts';
import { leakyBucket, slidingWindow, slidingWindowCount, slidingWindowReseed } from './scripts.ts';
import type { RedisShardRing } from './shard-ring.ts';

export interface RedisLimiterDeps {
  ring: RedisShardRing;
  /** Live swarm members, this instance included; the local fallback allows maxHits ÷ this. */
  members: () => number;
  /** Decides instead of the local share while Redis is away (the gossip limiter, when gossip is on). */
  fallback?: SwarmLimiter;
  metrics?: RedisStoreMetrics;
}

/** Decisions for one key waiting for the end of the event-loop turn. */
interface Batch {
  readonly shard: RedisShard;
  readonly limit: LimitSettings;
  /** The Redis key. */
  readonly key: string;
  readonly waiting: { key: string; failClosed: boolean; resolve: (d: Decision) => void }[];
}

/** Retry-After of a fail-closed refusal: about when the breaker next tries the store. */
const FAIL_CLOSED_RETRY_MS = 1000;
/** Client keys longer than this are hashed, so a hostile header cannot grow Redis keys. */
const MAX_RAW_KEY = 64;

const ALLOWED: Decision = Object.freeze({ allowed: true, retryAfterMs: 0, source: 'store' });
const FAIL_CLOSED: Decision = Object.freeze({ allowed: false, retryAfterMs: FAIL_CLOSED_RETRY_MS, source: 'fail-closed' });

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
  /** What this process admitted per key in the current and previous window (re-seeded on a shard's return). */
  readonly shadow = new AdmissionShadow();

  constructor(deps: RedisLimiterDeps) {
    this.ring = deps.ring;
    this.ring.setReturnHook((shard, lostData) => this.reseed(shard, lostData));
    this.fallback = deps.fallback;
    this.local = new LocalFallbackLimiter(deps.members);
    this.metrics = deps.metrics ?? noRedisStoreMetrics;
  }

  /**
   * Decisions for one key asked within one event-loop turn are coalesced: they wait for the turn's end (as
   * auto-pipelining would anyway) and run the script once with their count, which admits exactly as many as
   * single runs in a row would. A group-wide limit (clusterRatelimit) under load then costs one round trip
   * per turn instead of one per request.
   */
  allow(limit: LimitSettings, key: string, failClosed: boolean): Promise<Decision> {
    const k = slidingWindowKey(limit, key);
    const shard = this.ring.shardFor(k);
    if (shard === undefined || !shard.available()) return this.fallBack(limit, key, k, failClosed);
    const id = `${limit.maxHits}\u0000${k}`;
    let b = this.batch.get(id);
    if (b === undefined) {
      b = { shard, limit, key: k, waiting: [] };
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
    const { limit, waiting } = b;
    let r: [number, number, number, number];
    try {
      r = (await b.shard.run(slidingWindow, b.key, [limit.windowMs, limit.maxHits, waiting.length])) as [number, number, number, number];
    } catch {
      // counted in the shard's metrics; the requests fall back
      for (const w of waiting) void this.fallBack(limit, w.key, b.key, w.failClosed).then(w.resolve);
      return;
    }
    this.shadow.observeStoreTime(r[3]);
    const admitted = r[0];
    const refused: Decision | undefined = admitted < waiting.length ? { allowed: false, retryAfterMs: r[1], source: 'store' } : undefined;
    for (let i = 0; i < waiting.length; i++) {
      const d = i < admitted ? ALLOWED : refused!;
      if (d.allowed) this.shadow.admitted(b.key, limit.windowMs, false);
      this.metrics.decision(d);
      waiting[i]!.resolve(d);
    }
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

  /** The sliding-window estimate for `key` (0 while its shard is away and no fallback counts). */
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
