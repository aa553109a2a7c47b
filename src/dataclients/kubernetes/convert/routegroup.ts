/**
 * RouteGroups (zalando.org/v1) → routes, exactly as Skipper's Kubernetes data client converts them
 * (dataclients/kubernetes/routegroup.go). An invalid RouteGroup, or one whose default backend cannot be
 * resolved, drops only its own routes and logs one line naming it.
 */
import type { RouteDef } from '../../../eskip/ast.ts';
import { appendAnnotationFilters, appendAnnotationPredicates, prependApplicationAnnotation } from './annotation-rules.ts';
import type { SharedContext } from './context.ts';
import { createHostRx } from './hosts.ts';
import { trafficZoneAwareAnnotation, type BackendContext } from './routegroup-backends.ts';
import { hostCatchAllRoutes, splitHosts } from './routegroup-hosts.ts';
import { routeGroupRedirectEnabled } from './routegroup-redirect.ts';
import { transformRouteGroup, type GroupContext } from './routegroup-routes.ts';
import { decodeRouteGroup, uniqueStrings, type RgBackend, type RouteGroup } from './routegroup-spec.ts';
import { addRouteGroupTLS } from './routegroup-tls.ts';
import { validateRouteGroup } from './routegroup-validate.ts';
import { trafficCalculator } from './traffic.ts';
import type { ClusterState, KubeLogger, KubeObject, TLSCertificate } from './types.ts';
import type { KubeOptions } from '../options.ts';

/** Annotation selecting the RouteGroup class; groups of other classes are ignored. */
export const routeGroupClassAnnotation = 'zalando.org/routegroup.class';

/** Optional extras of the RouteGroup conversion. */
export interface RouteGroupExtras {
  /** Receives the certificates of `tls` sections (with `enableTLS`); without it they are checked and logged only. */
  certificates?: TLSCertificate[];
}

function classMatches(rx: RegExp, rg: RouteGroup): boolean {
  const cls = Object.hasOwn(rg.annotations, routeGroupClassAnnotation) ? rg.annotations[routeGroupClassAnnotation]! : '';
  return cls === '' || rx.test(cls);
}

/**
 * Validates, filters by class and sorts by namespace and name, as Skipper's client does when loading.
 * Validation comes first: an invalid group of another class is still reported.
 */
export function loadRouteGroups(objects: readonly KubeObject[], routeGroupClass: string, log: KubeLogger): RouteGroup[] {
  let rx: RegExp;
  try {
    rx = new RegExp(routeGroupClass);
  } catch {
    log({ level: 'error', msg: `invalid route group class regexp ${JSON.stringify(routeGroupClass)}; matching it literally` });
    rx = new RegExp(routeGroupClass.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  const out: RouteGroup[] = [];
  for (const obj of objects) {
    const rg = decodeRouteGroup(obj);
    const err = validateRouteGroup(rg);
    if (err !== null) {
      log({ level: 'error', msg: `[routegroup] ${err}`, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
      continue;
    }
    if (classMatches(rx, rg)) out.push(rg);
  }
  return out.sort((a, b) => (a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Hosts a RouteGroup network or explicit LB endpoint may point to. Unlike Service external names this
 * does not depend on `enableExternalNames`: without onlyAllowedExternalNames every host is allowed.
 */
function allowedNetworkHosts(opts: KubeOptions, log: KubeLogger): RegExp[] {
  if (!opts.onlyAllowedExternalNames) return [/.*/];
  const out: RegExp[] = [];
  for (const p of opts.allowedExternalNames) {
    try {
      out.push(new RegExp(p));
    } catch (e) {
      log({ level: 'error', msg: `invalid allowed external name pattern ${JSON.stringify(p)}: ${(e as Error).message}` });
    }
  }
  return out;
}

function secretsByName(state: ClusterState): Map<string, KubeObject> {
  const m = new Map<string, KubeObject>();
  for (const s of state.secrets) m.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  return m;
}

/**
 * Converts the cluster's RouteGroups into routes, in Skipper's order: per group (sorted by namespace and
 * name) the external-host routes with their catch-all routes, then the east-west range (internal) ones.
 */
export function convertRouteGroups(state: ClusterState, opts: KubeOptions, log: KubeLogger, shared: SharedContext, extras: RouteGroupExtras = {}): RouteDef[] {
  const o = shared.opts;
  const allowed = allowedNetworkHosts(o, log);
  const secrets = o.enableTLS ? secretsByName(state) : undefined;
  const certificates = extras.certificates ?? [];
  const out: RouteDef[] = [];

  for (const rg of loadRouteGroups(state.routeGroups, opts.routeGroupClass, log)) {
    const spec = rg.spec!;
    const hosts = uniqueStrings(spec.hosts);
    const { internal, external } =
      o.eastWestRangeDomains.length === 0 ? { internal: [], external: hosts } : splitHosts(hosts, o.eastWestRangeDomains);
    const backendsByName = new Map<string, RgBackend>();
    for (const b of spec.backends) backendsByName.set(b!.name, b!);
    const fields = { kind: 'RouteGroup', ns: rg.namespace, name: rg.name };

    const context = (hostSet: string[], isInternal: boolean): GroupContext => {
      const backend: BackendContext = {
        namespace: rg.namespace,
        annotations: rg.annotations,
        services: shared.services,
        endpoints: shared.endpoints,
        // Skipper passes the topology zone only for external hosts.
        zone: isInternal ? '' : o.topologyZone,
        zoneAware: rg.annotations[trafficZoneAwareAnnotation] !== 'false',
        defaultLBAlgorithm: o.defaultLoadBalancerAlgorithm,
        allowedExternalNames: allowed,
        forwardBackendURL: o.forwardBackendURL,
        backendNameTracingTag: o.backendNameTracingTag,
      };
      return {
        namespace: rg.namespace,
        name: rg.name,
        spec,
        hosts: hostSet,
        hostRx: createHostRx(...hostSet),
        internal: isInternal,
        backendsByName,
        backend,
        calculateTraffic: trafficCalculator(o.backendTrafficAlgorithm),
        eastWest: !isInternal && o.enableEastWest && !hostSet.some((h) => h.endsWith(o.eastWestDomain)),
        eastWestDomain: o.eastWestDomain,
        httpsRedirect: !isInternal && routeGroupRedirectEnabled(o.provideHTTPSRedirect, rg.annotations),
        httpsRedirectCode: o.httpsRedirectCode,
        defaultFilters: (service) => shared.defaultFilters.get(rg.namespace, service),
        log,
        hostRoutes: new Map(),
      };
    };

    let tlsDone = false;
    const convertSet = (hostSet: string[], isInternal: boolean): RouteDef[] | undefined => {
      const ctx = context(hostSet, isInternal);
      let routes: RouteDef[];
      try {
        routes = transformRouteGroup(ctx);
      } catch (e) {
        const which = isInternal ? 'internal' : 'external';
        log({ level: 'error', msg: `Error transforming ${which} hosts: ${e instanceof Error ? e.message : String(e)}`, ...fields });
        return undefined;
      }
      if (!o.disableCatchAllRoutes) routes.push(...hostCatchAllRoutes(ctx.hostRoutes, isInternal));
      // Skipper registers the certificates once per host set; once per group gives the same registry.
      if (secrets !== undefined && !tlsDone) {
        tlsDone = true;
        for (const tls of spec.tls) addRouteGroupTLS(tls, { namespace: rg.namespace, name: rg.name, hosts }, secrets, certificates, log);
      }
      return routes;
    };

    if (external.length > 0 || hosts.length === 0) {
      const routes = convertSet(external, false);
      // Skipper skips the group's internal hosts too when its external hosts fail.
      if (routes === undefined) continue;
      for (const r of routes) {
        appendAnnotationPredicates(o.annotationPredicates, rg.annotations, r);
        appendAnnotationFilters(o.annotationFiltersAppend, rg.annotations, r);
        prependApplicationAnnotation(o.applicationAnnotationLabelKey, rg.labels, r);
      }
      out.push(...routes);
    }

    if (internal.length > 0) {
      const routes = convertSet(internal, true);
      if (routes === undefined) continue;
      for (const r of routes) {
        r.predicates.push(...o.eastWestRangePredicates.map((p) => ({ name: p.name, args: [...p.args] })));
        appendAnnotationPredicates(o.eastWestRangeAnnotationPredicates, rg.annotations, r);
        appendAnnotationFilters(o.eastWestRangeAnnotationFiltersAppend, rg.annotations, r);
        prependApplicationAnnotation(o.applicationAnnotationLabelKey, rg.labels, r);
      }
      out.push(...routes);
    }
  }
  return out;
}
