/** Parsing of the RFC 7239 Forwarded header for ForwardedHost and ForwardedProtocol. */
import type { RoutingRequest } from '../routing/types.ts';
import { firstHeader } from './request-values.ts';

/**
 * The host and proto of the Forwarded header; a later element overrides an earlier one, and quotes are
 * removed, as Skipper's parser does. Null when the header is absent or empty.
 */
export function forwardedOf(req: RoutingRequest): { host: string; proto: string } | null {
  const h = firstHeader(req, 'forwarded');
  if (h === undefined || h === '') return null;
  let host = '';
  let proto = '';
  for (const element of h.split(',')) {
    for (const pair of element.trim().split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const value = pair.slice(eq + 1).replace(/^"+|"+$/g, '');
      if (value === '') continue;
      const token = pair.slice(0, eq);
      if (token === 'proto') proto = value;
      else if (token === 'host') host = value;
    }
  }
  return { host, proto };
}
