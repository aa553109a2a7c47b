/**
 * Kubernetes cluster state → routes, exactly as Skipper's Kubernetes data client converts it: Ingress
 * routes, then RouteGroup routes, then the global HTTPS redirect route; duplicate ids reduced to the first.
 * The RouteGroup conversion receives the {@link SharedContext} built here.
 */
import type { RouteDef } from '../../../eskip/ast.ts';
import { printRoute } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import { createSharedContext } from './context.ts';
import { globalRedirectRoute } from './https-redirect.ts';
import { healthcheckRoutes } from './healthcheck.ts';
import { convertIngresses } from './ingress.ts';
import { convertRouteGroups } from './routegroup.ts';
import type { ClusterState, ConversionResult, KubeLogger, TLSCertificate } from './types.ts';

export type { SharedContext } from './context.ts';
export { createSharedContext, normalizeOptions } from './context.ts';

/**
 * Keeps the first route of each id; a later route with the same id but a different definition is logged
 * as Skipper does ("Ignoring route with the same id …").
 */
export function dedupeRoutes(routes: readonly RouteDef[], log: KubeLogger): RouteDef[] {
  const byId = new Map<string, RouteDef>();
  const out: RouteDef[] = [];
  for (const r of routes) {
    const existing = byId.get(r.id);
    if (existing === undefined) {
      byId.set(r.id, r);
      out.push(r);
      continue;
    }
    const a = printRoute(existing);
    const b = printRoute(r);
    if (a !== b) log({ level: 'error', msg: `Ignoring route with the same id ${r.id}, existing: ${a}, ignored: ${b}` });
  }
  return out;
}

/**
 * Converts one cluster state; pure except for reading the default filters directory. Health-check routes
 * come before the global redirect route, as in Skipper.
 */
export function convertClusterState(state: ClusterState, opts: KubeOptions, log: KubeLogger): ConversionResult {
  const ctx = createSharedContext(state, opts, log);
  const ing = convertIngresses(ctx);
  const certificates: TLSCertificate[] = [...ing.certificates];
  const rg = convertRouteGroups(state, opts, log, ctx, { certificates });
  const routes: RouteDef[] = [...ing.routes, ...rg];
  if (ctx.opts.provideHealthcheck) routes.push(...healthcheckRoutes(ctx.opts.whitelistedHealthCheckCIDR));
  if (ctx.opts.provideHTTPSRedirect) routes.push(globalRedirectRoute(ctx.opts.httpsRedirectCode));
  return { routes: dedupeRoutes(routes, log), certificates };
}
