/** After(t): matches from instant t on (inclusive). */
import type { PredicateSpec } from '../routing/types.ts';
import { expectCount } from './args.ts';
import { systemClock, type Clock } from './clock.ts';
import { timeArg } from './interval-args.ts';

/** The After spec reading time from `clock` (injectable for tests). */
export function afterSpec(clock: Clock = systemClock): PredicateSpec {
  return {
    name: 'After',
    create(args) {
      expectCount('After', args, 1);
      const begin = timeArg('After', args[0]);
      return { match: () => clock() >= begin };
    },
  };
}
