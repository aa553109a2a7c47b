/**
 * Network-level facts shared by routing, predicates, filters and the proxy: header bags with Go's
 * http.Header semantics, the client address, hop-by-hop headers, X-Forwarded-* headers, path decoding,
 * CIDRs, durations, and the shared outgoing HTTP clients.
 */
export { addHeader, deleteHeader, getAll, getFirst, setAll, setHeader, type HeaderBag } from './header-bag.ts';
export { clientAddress, normalizeIP, stripPort, type ClientAddressPick } from './client-address.ts';
export { connectionTokens, HOP_BY_HOP_HEADERS } from './hop-by-hop.ts';
export { forwardedSetter, type ForwardedHeadersOptions, type ForwardedSource, type SetForwarded } from './forwarded-headers.ts';
export { decodePath, unescapePath } from './path.ts';
export { decodedPath, encodeQuery, escapePath, parseQuery, queryEscape, queryGet, reescapePath, type QueryValues } from './url-parts.ts';
export { parseCidrs } from './cidr.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { HttpClients } from './http-clients.ts';
export { hostPort } from './host-port.ts';
export { backendAddressOf, cachedBackendAddress, type BackendAddress } from './backend-address.ts';
export { parseListenAddress, type ListenAddress } from './listen-address.ts';
