/** Before(t): matches until instant t (exclusive). */
import type { PredicateSpec } from '../routing/types.ts';
import { expectCount } from './args.ts';
import { systemClock, type Clock } from './clock.ts';
import { timeArg } from './interval-args.ts';

/** The Before spec reading time from `clock` (injectable for tests). */
export function beforeSpec(clock: Clock = systemClock): PredicateSpec {
  return {
    name: 'Before',
    create(args) {
      expectCount('Before', args, 1);
      const end = timeArg('Before', args[0]);
      return { match: () => clock() < end };
    },
  };
}
