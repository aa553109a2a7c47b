/**
 * Header rewriting between the hops: hop-by-hop headers (RFC 9110 §7.6.1, plus the legacy Proxy-Connection
 * and Keep-Alive) and any header named in Connection are stripped.
 */
import { connectionTokens, HOP_BY_HOP_HEADERS as HOP, type HeaderBag } from '../net/index.ts';

/** Describe this hop's framing, or undici refuses them; never forwarded whatever -remove-hop-headers says. */
const ALWAYS_REQUEST = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host']);
/** node:http frames the client response itself. */
const ALWAYS_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding']);

type OutHeaders = Record<string, string | string[]>;

function copyWithout(h: HeaderBag, always: ReadonlySet<string>, removeHop: boolean): OutHeaders {
  const named = removeHop ? connectionTokens(h) : null;
  const out: OutHeaders = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined || always.has(k)) continue;
    if (removeHop && (HOP.has(k) || (named !== null && named.has(k)))) continue;
    out[k] = v;
  }
  return out;
}

/** The headers sent upstream, with `host` as the Host header. */
export function upstreamRequestHeaders(h: HeaderBag, removeHop: boolean, host: string): OutHeaders {
  const out = copyWithout(h, ALWAYS_REQUEST, removeHop);
  out['host'] = host;
  return out;
}

/** The backend's response headers as the filters and the client see them. */
export function downstreamResponseHeaders(h: HeaderBag, removeHop: boolean): OutHeaders {
  return copyWithout(h, ALWAYS_RESPONSE, removeHop);
}
