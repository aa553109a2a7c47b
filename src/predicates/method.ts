/**
 * Method("GET"): the request method equals the argument exactly (case-sensitive, any token accepted).
 * Skipper keeps only the last Method predicate of a route; the route compiler does the same.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { shared } from './memo.ts';

export const methodSpec: PredicateSpec = {
  name: 'Method',
  create: shared((args) => {
    expectCount('Method', args, 1);
    const m = stringArg('Method', args, 0);
    return { match: (req: RoutingRequest) => req.method === m };
  }),
};
