/**
 * The access log's client field as Skipper writes it (logging/access.go remoteHost): with an
 * X-Forwarded-For header, every entry that parses as an IP address (port stripped, bogus entries dropped),
 * joined by ", "; without one, the peer address. Operators grep and parse these lines, so the shape matters.
 */
import { isIP } from 'node:net';

/** Go's net.SplitHostPort host part, or the text unchanged when it has no port. */
function stripPort(a: string): string {
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 0 && (end === a.length - 1 || a[end + 1] === ':') ? a.slice(1, end) : a;
  }
  const colon = a.indexOf(':');
  // One colon is host:port; more is a bare IPv6 address, which SplitHostPort refuses.
  return colon >= 0 && a.indexOf(':', colon + 1) < 0 ? a.slice(0, colon) : a;
}

/** netip.Addr.String(): IPv6 lower-cased and compressed; an IPv4 address as written. */
function canonical(ip: string, family: number): string {
  if (family === 4) return ip;
  const zone = ip.indexOf('%');
  const addr = zone < 0 ? ip : ip.slice(0, zone);
  return new URL(`http://[${addr}]/`).hostname.slice(1, -1) + (zone < 0 ? '' : ip.slice(zone));
}

/** The client field: X-Forwarded-For's parseable entries, else the peer address without its port. */
export function clientHost(remoteAddress: string, forwardedFor: string | undefined): string {
  if (forwardedFor === undefined || forwardedFor === '') return stripPort(remoteAddress);
  const out: string[] = [];
  // Skipper splits on ", " exactly; an entry such as "1.2.3.4,5.6.7.8" is one bogus entry there too.
  for (const entry of forwardedFor.split(', ')) {
    const host = stripPort(entry);
    const family = isIP(host.includes('%') ? host.slice(0, host.indexOf('%')) : host);
    if (family !== 0) out.push(canonical(host, family));
  }
  return out.join(', ');
}
