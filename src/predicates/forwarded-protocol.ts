/** ForwardedProtocol("https"): the proto of the Forwarded header (RFC 7239) is "http" or "https" as given. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, stringArg } from './args.ts';
import { forwardedOf } from './forwarded.ts';

export const forwardedProtocolSpec: PredicateSpec = {
  name: 'ForwardedProtocol',
  create(args) {
    expectCount('ForwardedProtocol', args, 1);
    const proto = stringArg('ForwardedProtocol', args, 0);
    if (proto !== 'http' && proto !== 'https') throw new InvalidArgsError(`ForwardedProtocol: expected "http" or "https", got ${JSON.stringify(proto)}`);
    return {
      match(req: RoutingRequest) {
        const f = forwardedOf(req);
        return f !== null && f.proto === proto;
      },
    };
  },
};
