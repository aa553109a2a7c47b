/**
 * The routes of one RouteGroup for one host set (external hosts, or east-west range hosts): implicit
 * routes from the default backends when the group lists no routes, otherwise one route per listed route,
 * method and backend, each followed by its east-west copy and HTTPS redirect twin when configured.
 */
import type { FilterCall, PredicateCall, RouteDef } from '../../../eskip/index.ts';
import { createEastWestRouteRG } from './east-west.ts';
import { applyBackend, type BackendContext } from './routegroup-backends.ts';
import { rgRouteId, toSymbol } from './routegroup-hosts.ts';
import { createHTTPSRedirect } from './https-redirect.ts';
import { hasProtoPredicate } from './routegroup-redirect.ts';
import { uniqueStrings, type RgBackend, type RgBackendRef, type RgRouteSpec, type RgSpec } from './routegroup-spec.ts';
import type { BackendTraffic, TrafficCalculator } from './traffic.ts';
import type { KubeLogger } from './types.ts';

/** Everything the route building of one RouteGroup and host set needs. */
export interface GroupContext {
  namespace: string;
  name: string;
  /** toSymbol of namespace and name, computed once for all route ids of the group. */
  idNamespace: string;
  idName: string;
  spec: RgSpec;
  /** The hosts of this set; their routes are recorded in hostRoutes for the catch-all routes. */
  hosts: readonly string[];
  /** Host() regexp of the hosts; "" for a group without hosts. */
  hostRx: string;
  internal: boolean;
  backendsByName: ReadonlyMap<string, RgBackend>;
  backend: BackendContext;
  calculateTraffic: TrafficCalculator;
  /** East-west copies are made when enabled and no host of the set is already an east-west host. */
  eastWest: boolean;
  eastWestDomain: string;
  httpsRedirect: boolean;
  httpsRedirectCode: number;
  /** The default filters of a service in the group's namespace; throws when they cannot be read. */
  defaultFilters: (service: string) => FilterCall[];
  log: KubeLogger;
  hostRoutes: Map<string, RouteDef[]>;
}

function logError(ctx: GroupContext, msg: string): void {
  ctx.log({ level: 'error', msg, kind: 'RouteGroup', ns: ctx.namespace, name: ctx.name });
}

function weighted(refs: readonly (RgBackendRef | null)[]): { name: string; weight: number }[] {
  return refs.map((r) => ({ name: r?.backendName ?? '', weight: r?.weight ?? 0 }));
}

/** Default filters go in front of the route's own filters; a failure only costs the defaults. */
function prependDefaultFilters(ctx: GroupContext, be: RgBackend, r: RouteDef): void {
  if (be.type !== 'service') return;
  try {
    r.filters = [...ctx.defaultFilters(be.serviceName), ...r.filters];
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    logError(
      ctx,
      `Failed to retrieve default filters: error while applying default filters for route group and service: ${ctx.namespace}/${ctx.name} ${be.serviceName}, ${reason}`,
    );
  }
}

function storeHostRoute(ctx: GroupContext, r: RouteDef): void {
  for (const h of ctx.hosts) {
    let list = ctx.hostRoutes.get(h);
    if (list === undefined) ctx.hostRoutes.set(h, (list = []));
    list.push(r);
  }
}

/** Appends the route, then its east-west copy and its HTTPS redirect twin when they apply. */
function emit(ctx: GroupContext, out: RouteDef[], r: RouteDef, traffic: BackendTraffic | undefined): void {
  traffic?.apply(r);
  storeHostRoute(ctx, r);
  out.push(r);
  if (ctx.eastWest) out.push(createEastWestRouteRG(ctx.name, ctx.namespace, ctx.eastWestDomain, r));
  // A route that matches on X-Forwarded-Proto itself decides about plain HTTP; no twin shadows it.
  if (!ctx.internal && ctx.httpsRedirect && !hasProtoPredicate(r)) out.push(createHTTPSRedirect(ctx.httpsRedirectCode, r));
}

/** Routes of a group without `routes`: one per default backend, matching its hosts only. */
function implicitRoutes(ctx: GroupContext, traffic: Map<string, BackendTraffic>): RouteDef[] {
  const out: RouteDef[] = [];
  (ctx.spec.defaultBackends ?? []).forEach((ref, j) => {
    const be = ctx.backendsByName.get(ref!.backendName)!;
    const r: RouteDef = { id: rgRouteId(ctx.idNamespace, ctx.idName, 'all', 0, j, ctx.internal), predicates: [], filters: [], backendType: 'shunt' };
    // Errors here fail the whole host set (Skipper: "Error transforming … hosts").
    applyBackend(ctx.backend, be, r);
    if (ctx.hostRx !== '') r.predicates.push({ name: 'Host', args: [ctx.hostRx] });
    prependDefaultFilters(ctx, be, r);
    emit(ctx, out, r, traffic.get(ref!.backendName));
  });
  return out;
}

function explicitRoute(ctx: GroupContext, gr: RgRouteSpec, id: string, method: string, be: RgBackend): RouteDef {
  const predicates: PredicateCall[] = [];
  // Path is more specific than PathSubtree; validation rejects routes with both.
  if (gr.path !== '') predicates.push({ name: 'Path', args: [gr.path] });
  else if (gr.pathSubtree !== '') predicates.push({ name: 'PathSubtree', args: [gr.pathSubtree] });
  if (gr.pathRegexp !== '') predicates.push({ name: 'PathRegexp', args: [gr.pathRegexp] });
  if (ctx.hostRx !== '') predicates.push({ name: 'Host', args: [ctx.hostRx] });
  if (method !== '') predicates.push({ name: 'Method', args: [method.toUpperCase()] });
  // Parsed once by validation; copied because routes are changed after this (traffic, annotations).
  for (const p of gr.parsedPredicates) predicates.push({ name: p.name, args: [...p.args] });
  const filters: FilterCall[] = gr.parsedFilters.map((f) => ({ name: f.name, args: [...f.args] }));
  const r: RouteDef = { id, predicates, filters, backendType: 'shunt' };
  applyBackend(ctx.backend, be, r);
  prependDefaultFilters(ctx, be, r);
  return r;
}

/** Routes of a group with `routes`: per route, per unique method (or all), per backend reference. */
function explicitRoutes(ctx: GroupContext, defaultTraffic: Map<string, BackendTraffic>): RouteDef[] {
  const result: RouteDef[] = [];
  ctx.spec.routes.forEach((gr, i) => {
    if (gr === null) return;
    const own = gr.backends !== null && gr.backends.length > 0;
    const refs = own ? gr.backends! : (ctx.spec.defaultBackends ?? []);
    const traffic = own ? ctx.calculateTraffic(weighted(refs)) : defaultTraffic;
    const methods = gr.methods.length === 0 ? [''] : uniqueStrings(gr.methods);
    const routes: RouteDef[] = [];
    try {
      for (const method of methods) {
        refs.forEach((ref, j) => {
          const be = ctx.backendsByName.get(ref!.backendName)!;
          const id = rgRouteId(ctx.idNamespace, ctx.idName, method === '' ? 'all' : toSymbol(method.toLowerCase()), i, j, ctx.internal);
          emit(ctx, routes, explicitRoute(ctx, gr, id, method, be), traffic.get(ref!.backendName));
        });
      }
    } catch (e) {
      // One failing backend drops every route generated from this group route, and only those.
      logError(ctx, `Ignoring route: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    result.push(...routes);
  });
  return result;
}

/** The routes of one host set of a validated RouteGroup. Throws when an implicit route fails. */
export function transformRouteGroup(ctx: GroupContext): RouteDef[] {
  const defaultTraffic = ctx.calculateTraffic(weighted(ctx.spec.defaultBackends ?? []));
  return ctx.spec.routes.length === 0 ? implicitRoutes(ctx, defaultTraffic) : explicitRoutes(ctx, defaultTraffic);
}
