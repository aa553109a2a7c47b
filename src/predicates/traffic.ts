/**
 * Traffic(chance): matches with probability `chance` in [0, 1], drawn anew for every evaluation.
 * Traffic(chance, "cookie", "group"): a request carrying the cookie matches exactly when its value is
 * `group` (sticky), a request without it takes the chance.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { numberArg, stringArg } from './args.ts';
import { systemRandom, type Random } from './clock.ts';
import { cookiesOf } from './request-values.ts';

/** The Traffic spec drawing from `random` (injectable for tests). */
export function trafficSpec(random: Random = systemRandom): PredicateSpec {
  return {
    name: 'Traffic',
    create(args) {
      if (args.length !== 1 && args.length !== 3) throw new InvalidArgsError(`Traffic: expected 1 or 3 arguments, got ${args.length}`);
      const chance = numberArg('Traffic', args, 0);
      if (chance < 0 || chance > 1) throw new InvalidArgsError(`Traffic: chance must be within [0, 1], got ${chance}`);
      if (args.length === 1) return { match: () => random() < chance };
      const cookie = stringArg('Traffic', args, 1);
      const group = stringArg('Traffic', args, 2);
      return {
        match(req: RoutingRequest) {
          const v = cookiesOf(req).get(cookie);
          return v !== undefined ? v === group : random() < chance;
        },
      };
    },
  };
}
