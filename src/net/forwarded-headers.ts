/**
 * X-Forwarded-* headers added to the incoming request before routing, as Skipper's forwarded-headers handler
 * does with `-forwarded-headers` (net/headers.go): predicates, filters and the backend all see them. Off by
 * default, as in Skipper; the xforward/xforwardFirst filters set them per route instead.
 */
import { BlockList, isIP } from 'node:net';
import type { HeaderBag } from '../routing/types.ts';
import type { ForwardedHeadersOptions } from '../proxy/types.ts';

/** What the headers are made of, per request (the proxy passes its OriginalRequest). */
export interface ForwardedSource {
  /** The peer address, IPv4-mapped addresses in dotted form; '' when unknown. */
  readonly remoteAddress: string;
  /** The Host as received (Go's Request.Host). */
  readonly host: string;
  readonly method: string;
}

/** Sets the configured headers on `h`; `uri` is the request target as received (Go's RequestURI). */
export type SetForwarded = (h: HeaderBag, src: ForwardedSource, uri: string) => void;

/**
 * Parses CIDRs (`10.0.0.0/8`, `2001:db8::/32`) into a BlockList; throws an Error naming the first bad one.
 * A bare address is not a CIDR, as for Go's net.ParseCIDR.
 */
export function parseCidrs(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const slash = c.indexOf('/');
    const addr = slash === -1 ? '' : c.slice(0, slash);
    const family = isIP(addr);
    const bits = slash === -1 ? '' : c.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (family === 0 || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`invalid CIDR address: ${c}`);
    list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** Go's Header.Get: the first field line of a repeated header. */
function first(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : (v[0] ?? '');
}

/**
 * The header setter for `o`, or null when it sets nothing. Requests from `exclude` networks (Skipper's
 * -forwarded-headers-exclude-cidrs) and requests whose peer address is unknown get none.
 */
export function forwardedSetter(o: ForwardedHeadersOptions | null | undefined, exclude: readonly string[] = []): SetForwarded | null {
  if (o === null || o === undefined) return null;
  const appendFor = o.for === true || o.prependFor === true;
  const prepend = o.prependFor === true;
  const host = o.host === true;
  const method = o.method === true;
  const uri = o.uri === true;
  const port = o.port ?? '';
  const proto = o.proto ?? '';
  if (!appendFor && !host && !method && !uri && port === '' && proto === '') return null;
  const excluded = exclude.length === 0 ? null : parseCidrs(exclude);
  return (h, src, requestUri) => {
    const addr = src.remoteAddress;
    if (addr === '') return;
    if (excluded !== null && excluded.check(addr, isIP(addr) === 6 ? 'ipv6' : 'ipv4')) return;
    if (appendFor) {
      const prev = first(h['x-forwarded-for']);
      h['x-forwarded-for'] = prev === '' ? addr : prepend ? `${addr}, ${prev}` : `${prev}, ${addr}`;
    }
    if (host) h['x-forwarded-host'] = src.host;
    if (method) h['x-forwarded-method'] = src.method;
    if (uri) h['x-forwarded-uri'] = requestUri;
    if (port !== '') h['x-forwarded-port'] = port;
    if (proto !== '') h['x-forwarded-proto'] = proto;
  };
}
