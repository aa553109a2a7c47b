/**
 * PathSubtree("/a"): the request path is "/a" or below it; the sub-path is available as the `*` wildcard
 * (or as `name` for PathSubtree("/a/*name")). Indexed in the route table's path tree like Path.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { cleanPath, parsePathPattern } from '../routing/path-pattern.ts';
import { expectCount, stringArg } from './args.ts';
import { matchPattern } from './path.ts';

export const pathSubtreeSpec: PredicateSpec = {
  name: 'PathSubtree',
  create(args) {
    expectCount('PathSubtree', args, 1);
    const p = parsePathPattern('PathSubtree', stringArg('PathSubtree', args, 0), true);
    return { match: (req: RoutingRequest) => matchPattern(p, cleanPath(req.path)) };
  },
};
