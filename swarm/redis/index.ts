/**
 * The Redis side of the swarm, for the composition root: one shard ring (a Service) shared by the limiter
 * and the bus. Options map 1:1 to the flags (redisStoreOptionsFromConfig).
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../../src/log/app-log.ts';
import type { Decision, LimitSettings, SwarmLimiter } from '../../src/ratelimit/ports.ts';
import { LocalFallbackLimiter } from './local-fallback.ts';
import { createRedisStoreMetrics, type RedisStoreMetrics } from './metrics.ts';
import { RedisSwarmBus } from './redis-bus.ts';
import { RedisSwarmLimiter } from './redis-limiter.ts';
import type { RedisStoreOptions } from './redis-options.ts';
import { RedisShardRing } from './shard-ring.ts';
import type { ShardSource } from './shard-sources.ts';

export { parseHashAlgorithm, HASH_ALGORITHMS, type HashAlgorithm } from './consistent-hash.ts';
export { DEFAULT_REDIS_STORE_OPTIONS, redisStoreOptionsFromConfig, type RedisStoreOptions } from './redis-options.ts';
export { kubernetesShardSource, remoteShardSource, staticShardSource, type ClusterStateWatch, type ShardSource } from './shard-sources.ts';
export { createRedisStoreMetrics, type RedisStoreMetrics } from './metrics.ts';
export { relayShardsToWorkers, workerShardSource } from './worker-shards.ts';
export { RedisShardRing, RedisSwarmLimiter, RedisSwarmBus };

export interface RedisSwarmDeps {
  log: Logger;
  /** Where the skipjack_swarm_… metrics register; none when absent. */
  registry?: Registry;
  /** The shard list source; by default the options' remote URL, else the static URLs. */
  source?: ShardSource;
  /** Live member count (this instance included) for the local fallback share. */
  members: () => number;
  /** The fallback limiter while Redis is away (the gossip limiter when gossip is on). */
  fallback?: SwarmLimiter;
}

export interface RedisSwarm {
  /** Start it before serving, stop it on shutdown (its stop closes every Redis connection). */
  readonly ring: RedisShardRing;
  /** SwarmLimiter and SwarmLeakyBucket. */
  readonly limiter: RedisSwarmLimiter;
  readonly metrics: RedisStoreMetrics | undefined;
}

/** The shard ring and the limiter over it. */
export function createRedisSwarm(o: RedisStoreOptions, deps: RedisSwarmDeps): RedisSwarm {
  const metrics = deps.registry ? createRedisStoreMetrics(deps.registry) : undefined;
  const ring = new RedisShardRing(o, { log: deps.log, metrics, source: deps.source });
  const limiter = new RedisSwarmLimiter({ ring, members: deps.members, fallback: deps.fallback, metrics });
  return { ring, limiter, metrics };
}

/** A SwarmBus over the ring's shards (a Service: start it after the ring, stop it before). */
export function createRedisBus(ring: RedisShardRing, deps: { self: string; members: () => readonly string[]; log: Logger }): RedisSwarmBus {
  return new RedisSwarmBus({ ring, ...deps });
}

/**
 * The instance's share (maxHits ÷ live members) as one limiter for all its workers: with -workers N the
 * primary holds it and answers the workers' fallback decisions over the instance channel, so while Redis is
 * away the instance admits its share, not N times it. Fail-closed is decided in the workers, before asking.
 */
export function instanceFallbackLimiter(members: () => number): SwarmLimiter {
  const local = new LocalFallbackLimiter(members);
  return { allow: async (limit: LimitSettings, key: string): Promise<Decision> => local.allow(limit, key) };
}
