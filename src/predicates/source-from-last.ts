/**
 * SourceFromLast("1.2.3.4", "10.0.0.0/8"): like Source, but takes the last X-Forwarded-For entry, where
 * AWS load balancers put the client address.
 */
import type { RoutingRequest } from '../routing/types.ts';
import { addressSpec, peerAddr } from './address-spec.ts';
import { parseIP, stripPort, type IPAddr } from './ip-set.ts';
import { firstHeader } from './request-values.ts';

export const sourceFromLastSpec = addressSpec('SourceFromLast', lastSourceAddr);

/** The last X-Forwarded-For entry when it parses as an IP, else the peer address. */
export function lastSourceAddr(req: RoutingRequest): IPAddr | null {
  const xff = firstHeader(req, 'x-forwarded-for');
  if (xff !== undefined && xff !== '') {
    const a = parseIP(stripPort(xff.slice(xff.lastIndexOf(',') + 1).trim()));
    if (a !== null) return a;
  }
  return peerAddr(req);
}
