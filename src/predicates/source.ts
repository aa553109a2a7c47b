/**
 * Source("1.2.3.4", "10.0.0.0/8"): the client address is in one of the networks. The client address is
 * the first X-Forwarded-For entry when that parses as an IP, else the peer address.
 */
import type { RoutingRequest } from '../routing/types.ts';
import { addressSpec, peerAddr } from './address-spec.ts';
import { parseIP, stripPort, type IPAddr } from './ip-set.ts';
import { firstHeader } from './request-values.ts';

export const sourceSpec = addressSpec('Source', sourceAddr);

function sourceAddr(req: RoutingRequest): IPAddr | null {
  const xff = firstHeader(req, 'x-forwarded-for');
  if (xff !== undefined && xff !== '') {
    const comma = xff.indexOf(',');
    const a = parseIP(stripPort(comma === -1 ? xff : xff.slice(0, comma)));
    if (a !== null) return a;
  }
  return peerAddr(req);
}
