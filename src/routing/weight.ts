/**
 * Weight(n): adds n (truncated to an integer) to the route's precedence and always matches. The route
 * compiler applies it itself and does not count it as a predicate, as Skipper does; it is registered with
 * the other predicates only so that a registry lists every name eskip accepts.
 */
import { InvalidArgsError } from '../errors.ts';
import type { PredicateSpec } from './types.ts';

function weightOf(args: readonly unknown[]): number {
  if (args.length !== 1) throw new InvalidArgsError(`Weight: expected 1 argument(s), got ${args.length}`);
  const a = args[0];
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new InvalidArgsError(`Weight: argument 1 must be a number, got ${JSON.stringify(a)}`);
  return Math.trunc(a);
}

export const weightSpec: PredicateSpec = {
  name: 'Weight',
  create(args) {
    weightOf(args);
    return { match: () => true };
  },
  weight: (args) => weightOf(args),
};
