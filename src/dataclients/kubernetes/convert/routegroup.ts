/**
 * RouteGroups (zalando.org/v1) → routes, exactly as Skipper's Kubernetes data client converts them
 * (dataclients/kubernetes/routegroup.go). An invalid RouteGroup, or one whose default backend cannot be
 * resolved, drops only its own routes and logs one line naming it.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import { appendAnnotationFilters, appendAnnotationPredicates, prependApplicationAnnotation } from './annotation-rules.ts';
import type { SharedContext } from './context.ts';
import { createHostRx } from './hosts.ts';
import { trafficZoneAwareAnnotation, type BackendContext } from './routegroup-backends.ts';
import { hostCatchAllRoutes, splitHosts, toSymbol } from './routegroup-hosts.ts';
import { routeGroupRedirectEnabled } from './routegroup-redirect.ts';
import { transformRouteGroup, type GroupContext } from './routegroup-routes.ts';
import { decodeRouteGroup, uniqueStrings, type RgBackend, type RouteGroup } from './routegroup-spec.ts';
import { addRouteGroupTLS } from './routegroup-tls.ts';
import { tagRoute, tooManyRoutes } from './bounds.ts';
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

/** The class regexp; an invalid one is logged and matched literally. */
export function routeGroupClassRx(routeGroupClass: string, log: KubeLogger): RegExp {
  try {
    return new RegExp(routeGroupClass);
  } catch {
    log({ level: 'error', msg: `invalid route group class regexp ${JSON.stringify(routeGroupClass)}; matching it literally` });
    return new RegExp(routeGroupClass.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/**
 * Decodes and validates one object; undefined when invalid (logged) or of another class. Validation comes
 * first: an invalid group of another class is still reported.
 */
export function loadRouteGroup(obj: KubeObject, rx: RegExp, log: KubeLogger): RouteGroup | undefined {
  const rg = decodeRouteGroup(obj);
  const err = validateRouteGroup(rg);
  if (err !== null) {
    log({ level: 'error', msg: `[routegroup] ${err}`, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
    return undefined;
  }
  return classMatches(rx, rg) ? rg : undefined;
}

/** Orders by namespace, then name (byte order). */
export function byRouteGroupName(a: RouteGroup, b: RouteGroup): number {
  return a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Validates, filters by class and sorts by namespace and name, as Skipper's client does when loading. */
export function loadRouteGroups(objects: readonly KubeObject[], routeGroupClass: string, log: KubeLogger): RouteGroup[] {
  const rx = routeGroupClassRx(routeGroupClass, log);
  const out: RouteGroup[] = [];
  for (const obj of objects) {
    const rg = loadRouteGroup(obj, rx, log);
    if (rg !== undefined) out.push(rg);
  }
  return out.sort(byRouteGroupName);
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

/** What converting one RouteGroup needs besides the group: built once per conversion run. */
export interface RouteGroupEnv {
  readonly shared: SharedContext;
  readonly log: KubeLogger;
  /** Hosts RouteGroup network backends and explicit LB endpoints may use. */
  readonly allowedNetworkHosts: readonly RegExp[];
  /** Secrets by `<namespace>/<name>`; undefined unless `enableTLS`. */
  readonly secrets: ReadonlyMap<string, KubeObject> | undefined;
  /** Receives the certificates of `tls` sections. */
  readonly certificates: TLSCertificate[];
}

/** Prepares the per-run lookups of the RouteGroup conversion. */
export function createRouteGroupEnv(state: ClusterState, log: KubeLogger, shared: SharedContext, extras: RouteGroupExtras = {}): RouteGroupEnv {
  return {
    shared,
    log,
    allowedNetworkHosts: allowedNetworkHosts(shared.opts, log),
    secrets: shared.opts.enableTLS ? secretsByName(state) : undefined,
    certificates: extras.certificates ?? [],
  };
}

function groupContext(rg: RouteGroup, env: RouteGroupEnv, hostSet: string[], isInternal: boolean): GroupContext {
  const { shared } = env;
  const o = shared.opts;
  const spec = rg.spec!;
  const backendsByName = new Map<string, RgBackend>();
  for (const b of spec.backends) backendsByName.set(b!.name, b!);
  const backend: BackendContext = {
    namespace: rg.namespace,
    annotations: rg.annotations,
    services: shared.services,
    endpoints: shared.endpoints,
    // Skipper passes the topology zone only for external hosts.
    zone: isInternal ? '' : o.topologyZone,
    zoneAware: rg.annotations[trafficZoneAwareAnnotation] !== 'false',
    defaultLBAlgorithm: o.defaultLoadBalancerAlgorithm,
    allowedExternalNames: env.allowedNetworkHosts,
    forwardBackendURL: o.forwardBackendURL,
    backendNameTracingTag: o.backendNameTracingTag,
  };
  return {
    namespace: rg.namespace,
    name: rg.name,
    idNamespace: toSymbol(rg.namespace),
    idName: toSymbol(rg.name),
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
    log: env.log,
    hostRoutes: new Map(),
  };
}

/**
 * The routes of one host set (external or internal) with their catch-all routes; undefined, logged, when
 * a default backend fails. Collects the group's certificates with the first host set that converts.
 */
function convertHostSet(rg: RouteGroup, env: RouteGroupEnv, hostSet: string[], isInternal: boolean, tls: { done: boolean }): RouteDef[] | undefined {
  const ctx = groupContext(rg, env, hostSet, isInternal);
  let routes: RouteDef[];
  try {
    routes = transformRouteGroup(ctx);
  } catch (e) {
    const which = isInternal ? 'internal' : 'external';
    const msg = `Error transforming ${which} hosts: ${e instanceof Error ? e.message : String(e)}`;
    env.log({ level: 'error', msg, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
    return undefined;
  }
  if (!env.shared.opts.disableCatchAllRoutes) routes.push(...hostCatchAllRoutes(ctx.hostRoutes, isInternal));
  // Skipper registers the certificates once per host set; once per group gives the same registry.
  if (env.secrets !== undefined && !tls.done) {
    tls.done = true;
    const group = { namespace: rg.namespace, name: rg.name, hosts: uniqueStrings(rg.spec!.hosts) };
    for (const t of rg.spec!.tls) addRouteGroupTLS(t, group, env.secrets, env.certificates, env.log);
  }
  return routes;
}

/**
 * The routes of one validated RouteGroup, in Skipper's order: the external-host routes with their
 * catch-all routes, then the east-west range (internal) ones. Exported for incremental conversion.
 */
export function convertRouteGroup(rg: RouteGroup, env: RouteGroupEnv): RouteDef[] {
  const out = convertRouteGroupRoutes(rg, env);
  const max = env.shared.opts.maxRoutesPerObject;
  if (out.length > max) {
    env.log({ level: 'error', msg: tooManyRoutes(out.length, max), kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
    return [];
  }
  for (const r of out) tagRoute(r, 'RouteGroup', rg);
  return out;
}

function convertRouteGroupRoutes(rg: RouteGroup, env: RouteGroupEnv): RouteDef[] {
  const o = env.shared.opts;
  const hosts = uniqueStrings(rg.spec!.hosts);
  const { internal, external } = o.eastWestRangeDomains.length === 0 ? { internal: [], external: hosts } : splitHosts(hosts, o.eastWestRangeDomains);
  const tls = { done: false };
  const out: RouteDef[] = [];

  if (external.length > 0 || hosts.length === 0) {
    const routes = convertHostSet(rg, env, external, false, tls);
    // Skipper skips the group's internal hosts too when its external hosts fail.
    if (routes === undefined) return out;
    for (const r of routes) {
      appendAnnotationPredicates(o.annotationPredicates, rg.annotations, r);
      appendAnnotationFilters(o.annotationFiltersAppend, rg.annotations, r);
      prependApplicationAnnotation(o.applicationAnnotationLabelKey, rg.labels, r);
    }
    out.push(...routes);
  }

  if (internal.length > 0) {
    const routes = convertHostSet(rg, env, internal, true, tls);
    if (routes === undefined) return out;
    for (const r of routes) {
      r.predicates.push(...o.eastWestRangePredicates.map((p) => ({ name: p.name, args: [...p.args] })));
      appendAnnotationPredicates(o.eastWestRangeAnnotationPredicates, rg.annotations, r);
      appendAnnotationFilters(o.eastWestRangeAnnotationFiltersAppend, rg.annotations, r);
      prependApplicationAnnotation(o.applicationAnnotationLabelKey, rg.labels, r);
    }
    out.push(...routes);
  }
  return out;
}

/**
 * Converts the cluster's RouteGroups into routes: validated, filtered by class, sorted by namespace and
 * name, each converted by {@link convertRouteGroup}.
 */
export function convertRouteGroups(state: ClusterState, opts: KubeOptions, log: KubeLogger, shared: SharedContext, extras: RouteGroupExtras = {}): RouteDef[] {
  const env = createRouteGroupEnv(state, log, shared, extras);
  const out: RouteDef[] = [];
  for (const rg of loadRouteGroups(state.routeGroups, opts.routeGroupClass, log)) out.push(...convertRouteGroup(rg, env));
  return out;
}
