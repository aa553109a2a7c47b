/** ClientIP("10.0.0.0/8"): the peer address of the connection (never X-Forwarded-For) is in a network. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { stringArgs } from './args.ts';
import { IPSet, parseIP, stripPort } from './ip-set.ts';

export const clientIPSpec: PredicateSpec = {
  name: 'ClientIP',
  create(args) {
    const set = new IPSet('ClientIP', stringArgs('ClientIP', args));
    return { match: (req: RoutingRequest) => set.has(parseIP(stripPort(req.remoteAddress))) };
  },
};
