/**
 * The limiter registry: one {@link Limiter} per distinct settings, kept for the life of the process and
 * outside every route table, so replacing routes never resets a bucket (Skipper's ratelimit.Registry).
 * The composition root makes one per process and hands it to the rate-limit filter family.
 */
import type { DecisionMetrics } from './decision-metrics.ts';
import { noDecisionMetrics } from './decision-metrics.ts';
import type { InstanceLimiter } from './instance-limiter.ts';
import { ALLOW, ClusterLimiter, FixedLimiter, LocalLimiter, REFUSE_ALL, type Limiter } from './limiter.ts';
import type { SwarmLeakyBucket, SwarmLimiter } from './ports.ts';
import { isCluster, settingsKey, settingsLabel, type RateLimitSettings } from './settings.ts';

export interface LimiterRegistryOptions {
  /** Where the instance's local buckets live (in-process, or the primary over IPC). */
  instance: InstanceLimiter;
  /** The swarm's limiter; absent without -enable-swarm (cluster limits then admit everything, as Skipper's). */
  swarm?: SwarmLimiter | null;
  /** The swarm's leaky buckets; absent without a shared store (clusterLeakyBucketRatelimit is then not offered). */
  leakyBucket?: SwarmLeakyBucket | null;
  metrics?: DecisionMetrics;
  /** -cluster-ratelimit-max-group-shards (values below 1 count as 1, as in Skipper). */
  maxGroupShards?: number;
  /** Told once per cluster group that is not limited for want of a swarm. */
  warn?: (message: string) => void;
}

export class LimiterRegistry {
  readonly swarm: SwarmLimiter | null;
  readonly leakyBucket: SwarmLeakyBucket | null;
  readonly maxGroupShards: number;
  readonly metrics: DecisionMetrics;
  readonly #instance: InstanceLimiter;
  readonly #limiters = new Map<string, Limiter>();
  readonly #warn: (message: string) => void;

  constructor(o: LimiterRegistryOptions) {
    this.#instance = o.instance;
    this.swarm = o.swarm ?? null;
    this.leakyBucket = o.leakyBucket ?? null;
    this.metrics = o.metrics ?? noDecisionMetrics;
    this.maxGroupShards = Math.max(1, Math.floor(o.maxGroupShards ?? 1));
    this.#warn = o.warn ?? (() => {});
  }

  /** The limiter for `s`, the same object for equal settings. `disabled` settings have none. */
  get(s: RateLimitSettings): Limiter | null {
    if (s.kind === 'disabled') return null;
    const key = settingsKey(s);
    let l = this.#limiters.get(key);
    if (l !== undefined) return l;
    const counter = this.metrics.group(settingsLabel(s));
    if (s.maxHits === 0) l = new FixedLimiter(s, counter, REFUSE_ALL);
    else if (!isCluster(s.kind)) l = new LocalLimiter(s, key, this.#instance, counter);
    else if (this.swarm !== null) l = new ClusterLimiter(s, this.swarm, counter);
    else {
      this.#warn(`rate limit group ${JSON.stringify(s.group)}: no swarm (-enable-swarm is off), so this cluster limit admits every request, as Skipper's does without a swarm`);
      l = new FixedLimiter(s, counter, ALLOW);
    }
    this.#limiters.set(key, l);
    return l;
  }

  /** Limiters made so far (for tests). */
  get size(): number {
    return this.#limiters.size;
  }
}
