/**
 * The backend guard enforcing backendRatelimit (src/filters/ratelimit/backend-ratelimit.ts leaves the route's
 * settings in the state bag): before each attempt, one hit for the attempt's endpoint (scheme://host:port) in
 * the route's group; refused attempts are not made. It lives here, where filters meet the proxy, so that
 * filters need not import the proxy's port.
 */
import { ErrorCodes } from '../errors.ts';
import { BACKEND_RATELIMIT_KEY, type BackendLimit } from '../filters/ratelimit/backend-ratelimit.ts';
import { FAIL_CLOSED_KEY } from '../filters/ratelimit/fail-closed.ts';
import type { AttemptInfo, BackendGuard, Refusal } from '../proxy/guard.ts';
import type { Verdict } from '../ratelimit/limiter.ts';
import { rateLimitHeaders } from '../ratelimit/settings.ts';

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

/** The guard; stateless, one per instance is enough. */
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
