/**
 * SourceFromLast("1.2.3.4", "10.0.0.0/8"): like Source, but takes the last X-Forwarded-For entry, where
 * AWS load balancers put the client address.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { stringArgs } from './args.ts';
import { IPSet, parseIP, stripPort, type IPAddr } from './ip-set.ts';
import { firstHeader } from './request-values.ts';

export const sourceFromLastSpec: PredicateSpec = {
  name: 'SourceFromLast',
  create(args) {
    const set = new IPSet('SourceFromLast', stringArgs('SourceFromLast', args));
    return { match: (req: RoutingRequest) => set.has(lastSourceAddr(req)) };
  },
};

function lastSourceAddr(req: RoutingRequest): IPAddr | null {
  const xff = firstHeader(req, 'x-forwarded-for');
  if (xff !== undefined && xff !== '') {
    const a = parseIP(stripPort(xff.slice(xff.lastIndexOf(',') + 1).trim()));
    if (a !== null) return a;
  }
  return parseIP(stripPort(req.remoteAddress));
}
