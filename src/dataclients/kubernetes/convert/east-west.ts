/**
 * East-west routes: copies of Ingress/RouteGroup routes reachable inside the cluster under
 * `<name>.<namespace>.<east-west domain>`, and the predicates appended for east-west range domains.
 */
import type { PredicateCall, RouteDef } from '../../../eskip/index.ts';
import { createHostRx, hostPredicate, setHostRegexps } from './hosts.ts';
import { eastWestPrefix, eastWestRouteID } from './route-id.ts';

/** A deep copy of a route definition (predicates and filters are never shared between routes). */
export function copyRoute(r: RouteDef): RouteDef {
  const c: RouteDef = {
    ...r,
    predicates: r.predicates.map((p) => ({ name: p.name, args: [...p.args] })),
    filters: r.filters.map((f) => ({ name: f.name, args: [...f.args] })),
  };
  if (r.lbEndpoints !== undefined) c.lbEndpoints = r.lbEndpoints.map((e) => ({ ...e }));
  return c;
}

/** The east-west host of an object. */
export function eastWestHost(name: string, namespace: string, domain: string): string {
  return `${name}.${namespace}.${domain}`;
}

/**
 * The east-west copy of an Ingress route: id `kubeew…`, all Host predicates replaced by the east-west host.
 * Undefined for routes that are already east-west copies or lack a name/namespace.
 */
export function createEastWestRouteIng(domain: string, name: string, namespace: string, r: RouteDef): RouteDef | undefined {
  if (r.id.startsWith(eastWestPrefix) || namespace === '' || name === '') return undefined;
  const ew = copyRoute(r);
  setHostRegexps(ew, [createHostRx(eastWestHost(name, namespace, domain))]);
  ew.id = eastWestRouteID(r.id);
  return ew;
}

/** The east-west copy of a RouteGroup route: Host predicates removed and the east-west Host appended last. */
export function createEastWestRouteRG(name: string, namespace: string, domain: string, r: RouteDef): RouteDef {
  const ew = copyRoute(r);
  ew.id = eastWestRouteID(r.id);
  ew.predicates = ew.predicates.filter((p) => p.name !== 'Host');
  ew.predicates.push(hostPredicate(createHostRx(eastWestHost(name, namespace, domain))));
  return ew;
}

/**
 * Appends the east-west range predicates to every route of a host ending with a range domain — once per
 * matching domain, as Skipper does.
 */
export function applyEastWestRange(domains: readonly string[], predicates: readonly PredicateCall[], host: string, routes: readonly RouteDef[]): void {
  for (const d of domains) {
    if (!host.endsWith(d)) continue;
    for (const r of routes) r.predicates.push(...predicates.map((p) => ({ name: p.name, args: [...p.args] })));
  }
}
