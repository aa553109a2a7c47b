/** Builds the RoutingRequest for a lookup from the (possibly filter-modified) request. */
import type { HeaderBag, RoutingRequest } from '../routing/types.ts';
import type { RequestContext } from './context.ts';
import { ProxyError } from './errors.ts';
import { unescapePath } from '../net/index.ts';

/** The decoded path routing matches against, as Go's URL.Path; a malformed escape is a 400. */
export function decodePath(path: string): string {
  const p = unescapePath(path);
  if (p === null) throw new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', `malformed percent-encoding in path ${JSON.stringify(path.slice(0, 200))}`);
  return p;
}

/** The lookup request for a loopback or shadow: built from the filter-modified request. */
export function routingRequest(
  method: string,
  host: string,
  escapedPath: string,
  rawQuery: string,
  headers: HeaderBag,
  remoteAddress: string,
): RoutingRequest {
  return { method, host, path: decodePath(escapedPath), rawQuery, headers, remoteAddress };
}

/** A path with a malformed percent-escape is a 400, as Go's server answers it. */
export function checkPath(ctx: RequestContext): ProxyError | null {
  const p = ctx.original.path;
  if (p.indexOf('%') === -1) return null;
  try {
    decodeURIComponent(p);
    return null;
  } catch {
    return new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', `malformed percent-encoding in path ${JSON.stringify(p.slice(0, 200))}`);
  }
}
