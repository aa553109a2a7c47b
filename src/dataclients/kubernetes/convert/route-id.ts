/**
 * Route ids exactly as Skipper's Kubernetes data client forms them, so that ids stay stable across a
 * migration and fixtures compare byte for byte.
 */

/** Go's `\W` is ASCII-only: every other code point (one rune in Go) becomes one underscore. */
const nonWord = /[^0-9A-Za-z_]/gu;

/** Prefix of every Ingress route id; east-west copies swap it for {@link eastWestPrefix}. */
export const ingressRouteIDPrefix = 'kube';
export const eastWestPrefix = 'kubeew';

/** Replaces every non-word character with `_`. */
export function sanitizeIDPart(s: string): string {
  return s.replace(nonWord, '_');
}

/** `kube_<ns>__<name>__<host>__<path>__<backend>`, each part sanitised. */
export function routeID(namespace: string, name: string, host: string, path: string, backend: string): string {
  return `${ingressRouteIDPrefix}_${sanitizeIDPart(namespace)}__${sanitizeIDPart(name)}__${sanitizeIDPart(host)}__${sanitizeIDPart(path)}__${sanitizeIDPart(backend)}`;
}

/** Id of the index-th extra route of an Ingress's `zalando.org/skipper-routes` annotation. */
export function routeIDForCustom(namespace: string, name: string, id: string, host: string, index: number): string {
  return routeID(namespace, `${name}_${id}_${index}`, host, '', '');
}

/** `kube_…` → `kubeew_…` (the prefix length is cut, as Skipper does, whatever the prefix was). */
export function eastWestRouteID(id: string): string {
  return eastWestPrefix + id.slice(ingressRouteIDPrefix.length);
}

/** Id suffix of the HTTPS redirect twin of a route. */
export function redirectRouteID(baseID: string, enable: boolean): string {
  return enable ? `${baseID}_https_redirect` : `${baseID}_disable_https_redirect`;
}
