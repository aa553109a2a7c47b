/** Hop-by-hop header fields (RFC 9110 §7.6.1), shared by the proxy and shadow traffic (tee). */
import type { HeaderBag } from './header-bag.ts';

/**
 * The hop-by-hop fields RFC 9110 §7.6.1 names, plus the legacy Proxy-Connection and Keep-Alive and the
 * Proxy-Authenticate/Proxy-Authorization pair that Skipper also drops: never forwarded to the next hop.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** Header names listed in the Connection header (RFC 9110 §7.6.1), lower-cased; null when none. */
export function connectionTokens(h: HeaderBag): Set<string> | null {
  const c = h['connection'];
  // The common values name no header: skip the split.
  if (c === undefined || c === 'keep-alive' || c === 'close') return null;
  const s = new Set<string>();
  for (const v of Array.isArray(c) ? c : [c]) {
    for (const t of v.split(',')) {
      const n = t.trim().toLowerCase();
      if (n !== '' && n !== 'close' && n !== 'keep-alive') s.add(n);
    }
  }
  return s.size === 0 ? null : s;
}
