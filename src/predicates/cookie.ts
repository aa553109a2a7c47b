/** Cookie("name", /re/): the request has the cookie and its value matches the RE2 expression. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { compileRegexp } from '../regexp/index.ts';
import { cookiesOf } from './request-values.ts';

export const cookieSpec: PredicateSpec = {
  name: 'Cookie',
  create(args) {
    expectCount('Cookie', args, 2);
    const name = stringArg('Cookie', args, 0);
    const rx = compileRegexp('Cookie', stringArg('Cookie', args, 1));
    return {
      match(req: RoutingRequest) {
        const v = cookiesOf(req).get(name);
        return v !== undefined && rx.test(v);
      },
    };
  },
};
