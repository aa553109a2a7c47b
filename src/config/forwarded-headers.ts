/**
 * Skipper's -forwarded-headers list (config.go parseForwardedHeaders): each entry names one X-Forwarded-*
 * header, spelled exactly as Skipper spells it; anything else is an error naming the entry.
 */
import type { ForwardedHeadersOptions } from '../net/index.ts';

const PORT_PREFIX = 'X-Forwarded-Port=';

/** The proxy option for the flag's entries; null when the list is empty. Throws an Error naming a bad entry. */
export function parseForwardedHeaders(list: readonly string[]): ForwardedHeadersOptions | null {
  if (list.length === 0) return null;
  const o: ForwardedHeadersOptions = {};
  for (const entry of list) {
    if (entry === 'X-Forwarded-For') o.for = true;
    else if (entry === 'X-Forwarded-Host') o.host = true;
    else if (entry === 'X-Forwarded-Method') o.method = true;
    else if (entry === 'X-Forwarded-Uri') o.uri = true;
    else if (entry.startsWith(PORT_PREFIX)) o.port = entry.slice(PORT_PREFIX.length);
    else if (entry === 'X-Forwarded-Proto=http') o.proto = 'http';
    else if (entry === 'X-Forwarded-Proto=https') o.proto = 'https';
    else throw new Error(`invalid forwarded header: ${entry}`);
  }
  return o;
}
