/** ForwardedHost(/re/): the host of the Forwarded header (RFC 7239) matches the RE2 expression. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, stringArg } from './args.ts';
import { forwardedOf } from './forwarded.ts';
import { compileRegexp } from '../regexp/index.ts';

export const forwardedHostSpec: PredicateSpec = {
  name: 'ForwardedHost',
  create(args) {
    expectCount('ForwardedHost', args, 1);
    const pattern = stringArg('ForwardedHost', args, 0);
    if (pattern === '') throw new InvalidArgsError('ForwardedHost: the expression must not be empty');
    const rx = compileRegexp('ForwardedHost', pattern);
    return {
      match(req: RoutingRequest) {
        const f = forwardedOf(req);
        return f !== null && rx.test(f.host);
      },
    };
  },
};
