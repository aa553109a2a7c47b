/**
 * Weight(n): adds n (truncated to an integer) to the route's precedence and always matches. The route
 * compiler applies it and does not count it as a predicate, as Skipper does.
 */
import type { PredicateSpec } from './types.ts';
import { expectCount, numberArg } from '../predicates/args.ts';

export const weightSpec: PredicateSpec = {
  name: 'Weight',
  create(args) {
    expectCount('Weight', args, 1);
    numberArg('Weight', args, 0);
    return { match: () => true };
  },
  weight: (args) => Math.trunc(args[0] as number),
};
