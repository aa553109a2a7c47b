/**
 * backendRatelimit(group, maxHits, window[, status]): at most maxHits requests per window to each backend
 * endpoint, counted across the swarm in group "backend.<group>" and checked before every attempt,
 * retries on another endpoint included (load shedding; 503 by default). The filter leaves its settings in the state bag (a
 * later one on the route wins, as in Skipper); the backend guard (src/roles/backend-ratelimit-guard.ts)
 * enforces them around each attempt.
 */
import type { Arg } from '../../eskip/index.ts';
import type { Limiter } from '../../ratelimit/limiter.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import { argRange, countArg, groupArg, statusCodeArg, windowArg } from './args.ts';

export const BACKEND_RATELIMIT_NAME = 'backendRatelimit';

/** State-bag key of the route's backend limit. */
export const BACKEND_RATELIMIT_KEY = 'skj:ratelimit:backend';

/** The settings one backendRatelimit filter leaves for the guard. */
export interface BackendLimit {
  readonly limiter: Limiter;
  readonly status: number;
}

export function backendRatelimit(registry: LimiterRegistry): FilterSpec {
  const name = BACKEND_RATELIMIT_NAME;
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argRange(name, args, 3, 4);
      const group = groupArg(name, args[0]);
      const maxHits = countArg(name, args[1], 'max hits');
      const windowMs = windowArg(name, args[2]);
      const status = statusCodeArg(name, args, 3, 503);
      const limiter = registry.get({ kind: 'clusterService', maxHits, windowMs, group: `backend.${group}`, identity: 'endpoint' })!;
      const limit: BackendLimit = Object.freeze({ limiter, status });
      return {
        name,
        request(ctx: FilterContext): void {
          ctx.stateBag.set(BACKEND_RATELIMIT_KEY, limit);
        },
      };
    },
  };
}
