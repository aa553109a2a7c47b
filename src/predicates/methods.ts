/** Methods("GET", "post"): the request method is one of the arguments, compared case-insensitively. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { stringArgs } from './args.ts';
import { shared } from './memo.ts';

const allowed = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

export const methodsSpec: PredicateSpec = {
  name: 'Methods',
  create: shared((args) => {
    const methods = new Set<string>();
    for (const m of stringArgs('Methods', args)) {
      const up = m.toUpperCase();
      if (!allowed.has(up)) throw new InvalidArgsError(`Methods: method ${up} is not allowed`);
      methods.add(up);
    }
    return { match: (req: RoutingRequest) => methods.has(req.method.toUpperCase()) };
  }),
};
