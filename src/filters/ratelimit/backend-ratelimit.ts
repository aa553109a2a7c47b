/**
 * backendRatelimit(group, maxHits, window[, status]): at most maxHits requests per window to each backend
 * endpoint, counted across the swarm in group "backend.<group>" and checked before every attempt,
 * retries on another endpoint included (load shedding; 503 by default). The filter leaves its settings in the state bag (a
 * later one on the route wins, as in Skipper); {@link backendRateLimitGuard} enforces them around each
 * attempt.
 */
import type { Arg } from '../../eskip/index.ts';
import { ErrorCodes } from '../../errors.ts';
import type { AttemptInfo, BackendGuard, Refusal } from '../../proxy/guard.ts';
import type { Limiter, Verdict } from '../../ratelimit/limiter.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import { rateLimitHeaders } from '../../ratelimit/settings.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import { argRange, countArg, groupArg, statusCodeArg, windowArg } from './args.ts';
import { FAIL_CLOSED_KEY } from './fail-closed.ts';

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

function refusal(limit: BackendLimit, a: AttemptInfo, v: Verdict): Refusal | undefined {
  if (v.allowed) return undefined;
  const s = limit.limiter.settings;
  return {
    code: ErrorCodes.SKJ_ERR_PROXY_BACKEND_RATELIMITED,
    status: limit.status,
    headers: rateLimitHeaders(s.maxHits, s.windowMs, v.retryAfterSec),
    reason: `backend rate limit ${s.group} reached for ${a.origin}`,
  };
}

/**
 * The guard enforcing backendRatelimit: before each attempt, one hit for the attempt's endpoint
 * (scheme://host:port) in the route's group; refused attempts are not made.
 */
export function backendRateLimitGuard(): BackendGuard {
  return {
    before(a: AttemptInfo) {
      const limit = a.stateBag.get(BACKEND_RATELIMIT_KEY) as BackendLimit | undefined;
      if (limit === undefined) return undefined;
      const v = limit.limiter.check(a.origin, a.stateBag.get(FAIL_CLOSED_KEY) === true);
      if (v instanceof Promise) return v.then((x) => refusal(limit, a, x));
      return refusal(limit, a, v);
    },
    after() {},
  };
}
