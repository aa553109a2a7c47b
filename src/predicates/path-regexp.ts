/** PathRegexp(/re/): the (cleaned, decoded) request path matches the RE2 expression. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { cleanPath } from '../routing/path-pattern.ts';
import { expectCount, stringArg } from './args.ts';
import { compileRegexp } from '../regexp/index.ts';
import { shared } from './memo.ts';

export const pathRegexpSpec: PredicateSpec = {
  name: 'PathRegexp',
  create: shared((args) => {
    expectCount('PathRegexp', args, 1);
    const rx = compileRegexp('PathRegexp', stringArg('PathRegexp', args, 0));
    return { match: (req: RoutingRequest) => rx.test(cleanPath(req.path)) };
  }),
};
