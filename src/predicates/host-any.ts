/** HostAny("a.org", "b.org"): the Host header as received equals one of the arguments exactly. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { stringArgs } from './args.ts';
import { hostKey } from './host-pattern.ts';
import { shared } from './memo.ts';

export const hostAnySpec: PredicateSpec = {
  name: 'HostAny',
  create: shared((args) => {
    const hosts = new Set(stringArgs('HostAny', args));
    return { match: (req: RoutingRequest) => hosts.has(req.host), hostKeys: [...new Set([...hosts].map(hostKey))] };
  }),
};
