/** Client addresses as Skipper derives them (net.RemoteHost, RemoteHostFromLast, net.IP.String). */
import { isIP } from 'node:net';
import type { FilterContext } from '../routing/filter-contract.ts';
import { getFirst } from './header-bag.ts';

/** Go prints IPv4-mapped IPv6 addresses in dotted form; a dual-stack Node socket reports them mapped. */
export function normalizeIP(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** The first (Source) or last (SourceFromLast) X-Forwarded-For address, else the peer address. */
export function forwardedFor(ctx: FilterContext, pick: 'first' | 'last'): string {
  const xff = getFirst(ctx.request.headers, 'x-forwarded-for');
  if (xff !== '') {
    const parts = xff.split(',');
    const candidate = (pick === 'first' ? parts[0]! : parts[parts.length - 1]!).trim();
    if (isIP(candidate) !== 0) return normalizeIP(candidate);
  }
  return normalizeIP(ctx.original.remoteAddress);
}
