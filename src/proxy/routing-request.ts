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

/**
 * A path with a malformed percent-escape is a 400, as Go's server answers it (routing keeps such a path
 * undecoded, which is how it shows here: decoding left it unchanged although it has a "%").
 */
export function checkPath(ctx: RequestContext): ProxyError | null {
  const r = ctx.routing;
  if (r === null || r.path !== ctx.original.path || ctx.original.path.indexOf('%') === -1) return null;
  return new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', `malformed percent-encoding in path ${JSON.stringify(r.path.slice(0, 200))}`);
}
