/**
 * X-Forwarded-* headers added to the incoming request before routing, as Skipper's forwarded-headers handler
 * does with `-forwarded-headers` (net/headers.go): predicates, filters and the backend all see them. Off by
 * default, as in Skipper; the xforward/xforwardFirst filters set them per route instead.
 */
import { isIP } from 'node:net';
import type { HeaderBag } from './header-bag.ts';
import { parseCidrs } from './cidr.ts';

/** What the headers are made of, per request (the proxy passes its OriginalRequest). */
export interface ForwardedSource {
  /** The peer address, IPv4-mapped addresses in dotted form; '' when unknown. */
  readonly remoteAddress: string;
  /** The Host as received (Go's Request.Host). */
  readonly host: string;
  readonly method: string;
}

/**
 * Which X-Forwarded-* headers the proxy adds to the incoming request before routing (Skipper's
 * -forwarded-headers). Set headers replace what the client sent; X-Forwarded-For appends to its first value.
 */
export interface ForwardedHeadersOptions {
  /** Append the client IP to X-Forwarded-For. */
  for?: boolean;
  /** Prepend instead of append (overrides `for`). */
  prependFor?: boolean;
  /** Set X-Forwarded-Host to the Host header as received. */
  host?: boolean;
  /** Set X-Forwarded-Method to the request method. */
  method?: boolean;
  /** Set X-Forwarded-Uri to the request target as received. */
  uri?: boolean;
  /** Set X-Forwarded-Port to this value; '' or absent: not set. */
  port?: string;
  /** Set X-Forwarded-Proto to this value; absent: not set. */
  proto?: 'http' | 'https';
}

/** Sets the configured headers on `h`; `uri` is the request target as received (Go's RequestURI). */
export type SetForwarded = (h: HeaderBag, src: ForwardedSource, uri: string) => void;

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
