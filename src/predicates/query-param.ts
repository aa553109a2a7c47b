/**
 * QueryParam("name"): the query has the parameter (an empty value counts).
 * QueryParam("name", /re/): one of the parameter's values matches the RE2 expression.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { compileRegexp } from '../regexp/index.ts';
import { queryOf } from './request-values.ts';

export const queryParamSpec: PredicateSpec = {
  name: 'QueryParam',
  create(args) {
    expectCount('QueryParam', args, 1, 2);
    const name = stringArg('QueryParam', args, 0);
    if (args.length === 1) {
      return { match: (req: RoutingRequest) => req.rawQuery !== '' && queryOf(req).has(name) };
    }
    const rx = compileRegexp('QueryParam', stringArg('QueryParam', args, 1));
    return {
      match(req: RoutingRequest) {
        if (req.rawQuery === '') return false;
        for (const v of queryOf(req).getAll(name)) if (rx.test(v)) return true;
        return false;
      },
    };
  },
};
