/**
 * Kubernetes cluster state → routes, exactly as Skipper's Kubernetes data client converts it: Ingress
 * routes, then RouteGroup routes, then the global HTTPS redirect route; duplicate ids reduced to the first.
 * The RouteGroup conversion receives the {@link SharedContext} built here.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import { createSharedContext } from './context.ts';
import { dedupeRoutes } from './dedupe.ts';
import { globalRedirectRoute } from './https-redirect.ts';
import { healthcheckRoutes } from './healthcheck.ts';
import { convertIngresses } from './ingress.ts';
import { convertRouteGroups } from './routegroup.ts';
import type { ClusterState, ConversionResult, KubeLogger, TLSCertificate } from './types.ts';

export type { SharedContext } from './context.ts';
export type { ClusterState, ConversionResult, KubeLogEntry, KubeLogger, KubeObject, TLSCertificate } from './types.ts';
export { createSharedContext, normalizeOptions } from './context.ts';
export { dedupeRoutes } from './dedupe.ts';
export { objectSize } from './bounds.ts';
export { createIncrementalConverter, type Converter } from './incremental.ts';
export { recordCollectionChange } from './collection-diff.ts';
// The validation webhook admits objects by the rules the conversion applies.
export { decodeRouteGroup } from './routegroup-spec.ts';
export { validateRouteGroup } from './routegroup-validate.ts';
export {
  ingressFilterAnnotation, ingressPredicateAnnotation, ingressRoutesAnnotation, loadBalancerAnnotation, validateIngressAnnotations,
} from './ingress-annotations.ts';

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
  if (ctx.opts.provideHealthcheck) routes.push(...healthcheckRoutes(ctx.opts.whitelistedHealthCheckCIDR, ctx.opts.reverseSourcePredicate));
  if (ctx.opts.provideHTTPSRedirect) routes.push(globalRedirectRoute(ctx.opts.httpsRedirectCode));
  return { routes: dedupeRoutes(routes, log), certificates };
}
