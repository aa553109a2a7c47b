/**
 * The rate-limit filter family: every spec over one {@link LimiterRegistry}, the guard that enforces
 * backendRatelimit, and the route pre-processor that places the -ratelimits default and ratelimitFailClosed.
 * Registered by the composition root only under -enable-ratelimits or -ratelimits, as Skipper does:
 * without them a route using these filters is invalid (unknown_filter).
 */
import type { RouteDef } from '../../eskip/index.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import type { FilterSpec } from '../types.ts';
import { backendRatelimit } from './backend-ratelimit.ts';
import { disableRatelimit } from './disable.ts';
import { hoistFailClosed, ratelimitFailClosed } from './fail-closed.ts';
import { applyGlobalDefault, globalRatelimit } from './global-default.ts';
import { clusterLeakyBucketRatelimit } from './leaky-bucket.ts';
import { requestLimitSpecs } from './request-limit.ts';


/** Every rate-limit filter spec; `warn` hears of deprecated filters. */
export function rateLimitFilters(registry: LimiterRegistry, warn?: (message: string) => void): FilterSpec[] {
  const specs = [...requestLimitSpecs(registry, warn), ratelimitFailClosed, disableRatelimit, backendRatelimit(registry), globalRatelimit(registry)];
  const leaky = clusterLeakyBucketRatelimit(registry);
  if (leaky !== null) specs.push(leaky);
  return specs;
}

/**
 * The route pre-processor of the family: the -ratelimits default (its first value; none or `disabled`
 * adds nothing) first on every route without disableRatelimit(), then ratelimitFailClosed() first of all.
 */
export function rateLimitPreprocessor(defaultLimit: string | null): (defs: readonly RouteDef[]) => RouteDef[] {
  return (defs) => hoistFailClosed(defaultLimit === null ? [...defs] : applyGlobalDefault(defs, defaultLimit));
}
