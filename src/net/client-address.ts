/**
 * The client address, computed one way for predicates (Source, SourceFromLast, ClientIP), filters
 * (templates' `request.source…`) and the load balancer's hash key, as Skipper's net package derives it:
 * RemoteHost reads the first X-Forwarded-For entry as it stands, RemoteHostFromLast the last one trimmed,
 * each with an optional port stripped and accepted only when it parses as an IP; else the peer address.
 */
import { isIP } from 'node:net';
import type { HeaderBag } from './header-bag.ts';

/** Which address: the first or last X-Forwarded-For entry (falling back to the peer), or the peer alone. */
export type ClientAddressPick = 'first' | 'last' | 'peer';

/** Go prints IPv4-mapped IPv6 addresses in dotted form; a dual-stack Node socket reports them mapped. */
export function normalizeIP(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** Go's net.SplitHostPort host part when `s` has a port (`1.2.3.4:80`, `[::1]:80`), else `s`. */
export function stripPort(s: string): string {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    return end !== -1 && (end === s.length - 1 || s[end + 1] === ':') ? s.slice(1, end) : s;
  }
  const c = s.indexOf(':');
  return c !== -1 && c === s.lastIndexOf(':') ? s.slice(0, c) : s;
}

/**
 * `s` without port when it is an IP, else '' (Go's netip.ParseAddr(stripPort(s)) failing). An IPv4-mapped
 * IPv6 address stays IPv6, as netip keeps it (`::ffff:1.2.3.4` is not in 1.2.3.0/24); callers that print
 * the address as Go's net.IP.String does apply normalizeIP.
 */
function ipText(s: string): string {
  if (s === '') return '';
  const h = stripPort(s);
  return isIP(h) === 0 ? '' : h;
}

/**
 * The client's IP as text, '' when neither the chosen X-Forwarded-For entry nor the peer address parses.
 * `xff` is the X-Forwarded-For header as received; only its first field line counts (Go's Header.Get).
 */
export function clientAddress(remoteAddress: string, xff: HeaderBag[string], pick: ClientAddressPick): string {
  if (pick !== 'peer' && xff !== undefined) {
    const v = typeof xff === 'string' ? xff : (xff[0] ?? '');
    if (v !== '') {
      let entry: string;
      if (pick === 'first') {
        const comma = v.indexOf(',');
        entry = comma === -1 ? v : v.slice(0, comma);
      } else {
        entry = v.slice(v.lastIndexOf(',') + 1).trim();
      }
      const ip = ipText(entry);
      if (ip !== '') return ip;
    }
  }
  return ipText(remoteAddress);
}
