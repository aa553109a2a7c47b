/**
 * Source("1.2.3.4", "10.0.0.0/8"): the client address is in one of the networks. The client address is
 * the first X-Forwarded-For entry when that parses as an IP, else the peer address.
 *
 * Under `-reverse-source-predicate` Source() reads the last entry instead, as SourceFromLast() does: behind a
 * load balancer that appends the peer it saw (AWS ALB), the first entry is whatever the client sent, and an
 * allow-list keyed on it is open to anyone who sets the header. Skipper's flag only switches its generated
 * Kubernetes health-check routes; its documentation ("reverses the lookup of the client IP") promises this.
 */
import type { RoutingRequest } from '../routing/types.ts';
import { addressSpec, peerAddr } from './address-spec.ts';
import { parseIP, stripPort, type IPAddr } from './ip-set.ts';
import { firstHeader } from './request-values.ts';
import { lastSourceAddr } from './source-from-last.ts';

export const sourceSpec = addressSpec('Source', sourceAddr);

/** Source() reading the last X-Forwarded-For entry (`-reverse-source-predicate`). */
export const reversedSourceSpec = addressSpec('Source', lastSourceAddr);

function sourceAddr(req: RoutingRequest): IPAddr | null {
  const xff = firstHeader(req, 'x-forwarded-for');
  if (xff !== undefined && xff !== '') {
    const comma = xff.indexOf(',');
    const a = parseIP(stripPort(comma === -1 ? xff : xff.slice(0, comma)));
    if (a !== null) return a;
  }
  return peerAddr(req);
}
