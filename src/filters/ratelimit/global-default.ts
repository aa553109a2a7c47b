/**
 * The instance-wide default limit of `-ratelimits` (Skipper's global settings; the first value counts, as
 * there). Skipper checks it in the proxy before routing; here a route pre-processor puts
 * `globalRatelimit("<the -ratelimits value>")` first on every route without disableRatelimit(), so the
 * default is visible in /routes and a route can opt out. Every route counts into the same buckets.
 */
import type { Arg, RouteDef } from '../../eskip/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { LimiterRegistry } from '../../ratelimit/registry.ts';
import { parseRatelimitsFlag, type RateLimitSettings } from '../../ratelimit/settings.ts';
import type { FilterSpec } from '../types.ts';
import { argRange } from './args.ts';
import { DISABLE_NAME } from './disable.ts';
import { xffIdentity } from './identity.ts';
import { RequestLimit } from './request-limit.ts';

export const GLOBAL_NAME = 'globalRatelimit';

/** globalRatelimit("type=client,max-hits=20,time-window=1m"): the -ratelimits default, placed by {@link applyGlobalDefault}. */
export function globalRatelimit(registry: LimiterRegistry): FilterSpec {
  return {
    name: GLOBAL_NAME,
    create(args: Arg[]) {
      argRange(GLOBAL_NAME, args, 1, 1);
      if (typeof args[0] !== 'string') throw new InvalidArgsError(`${GLOBAL_NAME}: expected the -ratelimits settings as a string`);
      let parsed: RateLimitSettings;
      try {
        parsed = parseRatelimitsFlag(args[0]);
      } catch (e) {
        throw new InvalidArgsError(`${GLOBAL_NAME}: ${(e as Error).message}`);
      }
      // Its own buckets: an equal route-level filter does not count the same request twice.
      const s = Object.freeze({ ...parsed, identity: `global:${parsed.identity}` });
      const limiter = registry.get(s);
      if (limiter === null) return { name: GLOBAL_NAME };
      const perClient = s.kind === 'client' || s.kind === 'clusterClient';
      return new RequestLimit({
        name: GLOBAL_NAME, limiter, keyOf: perClient ? xffIdentity.read : () => '', perClient, status: 429, maxHits: s.maxHits,
      });
    },
  };
}

const applied = new WeakMap<RouteDef, RouteDef>();

/**
 * Puts the default limit first on every route without disableRatelimit(). `flagValue`: the first
 * -ratelimits value; a `disabled` default changes nothing.
 */
export function applyGlobalDefault(defs: readonly RouteDef[], flagValue: string): RouteDef[] {
  return defs.map((def) => {
    if (def.filters.some((f) => f.name === DISABLE_NAME)) return def;
    let d = applied.get(def);
    if (d === undefined || d.filters[0]?.args[0] !== flagValue) {
      d = { ...def, filters: [{ name: GLOBAL_NAME, args: [flagValue] }, ...def.filters] };
      applied.set(def, d);
    }
    return d;
  });
}
