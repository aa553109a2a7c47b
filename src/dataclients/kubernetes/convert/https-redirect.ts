/**
 * HTTPS redirect routes: the global `kube__redirect` route (`-kubernetes-https-redirect`) and the per-route
 * redirect twins of Ingress and RouteGroup routes. They match `X-Forwarded-Proto: http`, as set by the
 * load balancer in front.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import { copyRoute } from './east-west.ts';
import { redirectRouteID } from './route-id.ts';

export const forwardedProtoHeader = 'X-Forwarded-Proto';
export const globalRedirectRouteID = 'kube__redirect';

/** Sets `Header("X-Forwarded-Proto", "http")`, replacing one for the same header name (Skipper's header map). */
function setProtoHeader(r: RouteDef): void {
  r.predicates = r.predicates.filter((p) => !(p.name === 'Header' && p.args[0] === forwardedProtoHeader));
  r.predicates.push({ name: 'Header', args: [forwardedProtoHeader, 'http'] });
}

/** Weight(1000) first, so the redirect wins over the routes it shadows. */
function prependWeight(r: RouteDef): void {
  r.predicates.unshift({ name: 'Weight', args: [1000] });
}

function toRedirect(r: RouteDef, code: number): void {
  setProtoHeader(r);
  prependWeight(r);
  r.filters.push({ name: 'redirectTo', args: [code, 'https:'] });
  r.backendType = 'shunt';
  delete r.backend;
  delete r.lbAlgorithm;
  delete r.lbEndpoints;
}

/** `kube__redirect: Weight(1000) && Header("X-Forwarded-Proto", "http") -> redirectTo(code, "https:") -> <shunt>`. */
export function globalRedirectRoute(code: number): RouteDef {
  const r: RouteDef = { id: globalRedirectRouteID, predicates: [], filters: [], backendType: 'shunt' };
  toRedirect(r, code);
  return r;
}

/** The `<id>_https_redirect` twin of an Ingress route (annotation `skipper-ingress-redirect: "true"`). */
export function createIngressEnableHTTPSRedirect(r: RouteDef, code: number): RouteDef {
  const rr = copyRoute(r);
  rr.id = redirectRouteID(r.id, true);
  toRedirect(rr, code);
  return rr;
}

/**
 * The `<id>_disable_https_redirect` twin of an Ingress route: same backend, but it outweighs the global
 * redirect route for plain-HTTP requests (annotation `skipper-ingress-redirect: "false"`).
 */
export function createIngressDisableHTTPSRedirect(r: RouteDef): RouteDef {
  const rr = copyRoute(r);
  rr.id = redirectRouteID(r.id, false);
  setProtoHeader(rr);
  prependWeight(rr);
  return rr;
}

/** The RouteGroup redirect twin: Header predicate and redirectTo appended, shunt backend, no weight. */
export function createHTTPSRedirect(code: number, r: RouteDef): RouteDef {
  const rr = copyRoute(r);
  rr.id = redirectRouteID(r.id, true);
  rr.backendType = 'shunt';
  delete rr.backend;
  delete rr.lbAlgorithm;
  delete rr.lbEndpoints;
  rr.predicates.push({ name: 'Header', args: [forwardedProtoHeader, 'http'] });
  rr.filters.push({ name: 'redirectTo', args: [code, 'https:'] });
  return rr;
}

/** True when the route already matches on X-Forwarded-Proto (then no redirect twin is generated). */
export function hasProtoPredicate(r: RouteDef): boolean {
  return r.predicates.some(
    (p) => (p.name === 'Header' || p.name === 'HeaderRegexp') && typeof p.args[0] === 'string' && canonicalHeaderKey(p.args[0]) === forwardedProtoHeader,
  );
}

/** Go's http.CanonicalHeaderKey for ASCII token names: each dash-separated word capitalised. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name
    .split('-')
    .map((w) => (w === '' ? w : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join('-');
}
