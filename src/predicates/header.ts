/**
 * Header("Name", "value"): some value of the header equals the argument exactly. Header names are
 * case-insensitive. For several Header predicates on one name Skipper keeps the last; so does the compiler.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { someHeaderValue } from './request-values.ts';
import { shared } from './memo.ts';

export const headerSpec: PredicateSpec = {
  name: 'Header',
  create: shared((args) => {
    expectCount('Header', args, 2);
    const name = stringArg('Header', args, 0).toLowerCase();
    const value = stringArg('Header', args, 1);
    const eq = (v: string) => v === value;
    return { match: (req: RoutingRequest) => someHeaderValue(req, name, eq) };
  }),
};
