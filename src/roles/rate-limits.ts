/**
 * The rate-limit filters of one process, or none without -enable-ratelimits / -ratelimits (as Skipper):
 * their specs, the pre-processor that places the -ratelimits default and ratelimitFailClosed on the route
 * definitions, and the guard that enforces backendRatelimit before every backend attempt.
 */
import type { Config } from '../config/table.ts';
import { rateLimitFilters, rateLimitPreprocessor } from '../filters/ratelimit/index.ts';
import { backendRateLimitGuard } from './backend-ratelimit-guard.ts';
import type { FilterSpec } from '../filters/types.ts';
import type { Logger } from '../log/app-log.ts';
import { createRateLimitMetrics } from '../metrics/ratelimit-metrics.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { BackendGuard } from '../proxy/guard.ts';
import type { InstanceLimiter } from '../ratelimit/instance-limiter.ts';
import type { SwarmLeakyBucket, SwarmLimiter } from '../ratelimit/ports.ts';
import { LimiterRegistry } from '../ratelimit/registry.ts';
import { parseRatelimitsFlag } from '../ratelimit/settings.ts';
import type { RoutePreprocessor } from '../routing/pipeline.ts';

export interface RateLimits {
  specs: FilterSpec[];
  /** Places the -ratelimits default and ratelimitFailClosed on the route definitions; last in the list. */
  preprocessor: RoutePreprocessor;
  /** Enforces backendRatelimit before every backend attempt. */
  guard: BackendGuard;
}

/**
 * `instance`: where this process finds the instance's local buckets — its own memory (single process, and
 * the primary, which owns them for its workers) or the primary over IPC (a worker). `swarm`: the cluster
 * limiter and leaky buckets of this process (src/roles/swarm.ts), null without -enable-swarm.
 */
export function rateLimits(
  c: Config, logger: Logger, metrics: ProxyMetrics, instance: InstanceLimiter,
  swarm: { limiter: SwarmLimiter | null; leakyBucket: SwarmLeakyBucket | null } | null = null,
): RateLimits | null {
  if (!c.enableRatelimits && c.ratelimits.length === 0) return null;
  const registry = new LimiterRegistry({
    instance,
    // Without -enable-swarm cluster limits admit everything, as Skipper's without a swarm (docs/reference/filters.md).
    swarm: swarm?.limiter ?? null,
    leakyBucket: swarm?.leakyBucket ?? null,
    metrics: createRateLimitMetrics(metrics.registry),
    maxGroupShards: c.clusterRatelimitMaxGroupShards,
    warn: (m) => logger.warn(m),
  });
  const first = c.ratelimits[0];
  const defaultLimit = first !== undefined && parseRatelimitsFlag(first).kind !== 'disabled' ? first : null;
  return {
    specs: rateLimitFilters(registry, (m) => logger.warn(m)),
    preprocessor: { name: 'rate limits', process: rateLimitPreprocessor(defaultLimit) },
    guard: backendRateLimitGuard(),
  };
}
