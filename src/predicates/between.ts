/** Between(from, till): matches from `from` (inclusive) until `till` (exclusive); `from` must be earlier. */
import type { PredicateSpec } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount } from './args.ts';
import { systemClock, type Clock } from './clock.ts';
import { timeArg } from './interval-args.ts';

/** The Between spec reading time from `clock` (injectable for tests). */
export function betweenSpec(clock: Clock = systemClock): PredicateSpec {
  return {
    name: 'Between',
    create(args) {
      expectCount('Between', args, 2);
      const begin = timeArg('Between', args[0]);
      const end = timeArg('Between', args[1]);
      if (begin >= end) throw new InvalidArgsError('Between: the first date must be before the second');
      return {
        match() {
          const now = clock();
          return begin <= now && now < end;
        },
      };
    },
  };
}
