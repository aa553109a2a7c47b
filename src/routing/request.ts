/** Builds the RoutingRequest of an incoming node:http request: one string scan, no URL object. */
import type { IncomingMessage } from 'node:http';
import type { RoutingRequest } from './types.ts';
import { decodePath, normalizeIP } from '../net/index.ts';

/**
 * The routing view of `req`. The path is percent-decoded (invalid escapes are kept as they are); query and
 * cookies are parsed later, by the first predicate that needs them. `remoteAddress` overrides the socket's
 * peer address; an IPv4-mapped IPv6 peer ("::ffff:1.2.3.4") is reported as IPv4, as Go reports it.
 */
export function routingRequestFrom(req: IncomingMessage, remoteAddress?: string): RoutingRequest {
  let target = req.url ?? '/';
  let host = req.headers.host ?? '';
  // Absolute-form request target (RFC 9112 section 3.2.2): its authority takes precedence over Host.
  if (target.charCodeAt(0) !== 47 && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(target)) {
    const start = target.indexOf('//') + 2;
    let end = start;
    while (end < target.length && target[end] !== '/' && target[end] !== '?' && target[end] !== '#') end++;
    host = target.slice(start, end);
    target = end < target.length ? target.slice(end) : '/';
  }
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  return {
    method: req.method ?? 'GET',
    host,
    path: decodePath(rawPath === '' || rawPath.charCodeAt(0) !== 47 ? '/' + rawPath : rawPath),
    rawQuery: q === -1 ? '' : target.slice(q + 1),
    headers: req.headers,
    remoteAddress: normalizeIP(remoteAddress ?? req.socket?.remoteAddress ?? ''),
  };
}

export { decodePath };
