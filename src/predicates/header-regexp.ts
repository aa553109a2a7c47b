/** HeaderRegexp("Name", /re/): the header is present and one of its values matches the RE2 expression. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { compileRegexp } from '../regexp/index.ts';
import { someHeaderValue } from './request-values.ts';
import { shared } from './memo.ts';

export const headerRegexpSpec: PredicateSpec = {
  name: 'HeaderRegexp',
  create: shared((args) => {
    expectCount('HeaderRegexp', args, 2);
    const name = stringArg('HeaderRegexp', args, 0).toLowerCase();
    const rx = compileRegexp('HeaderRegexp', stringArg('HeaderRegexp', args, 1));
    const test = (v: string) => rx.test(v);
    return { match: (req: RoutingRequest) => someHeaderValue(req, name, test) };
  }),
};
