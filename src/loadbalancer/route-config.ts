/**
 * The load-balancing settings of one route, derived once per compiled route and cached by identity:
 * its balancer, and the fadeIn settings and endpointCreated times its filters declare (`lbSettings`). Routes are immutable, so a
 * WeakMap keyed by the route is exact and goes away with the table generation (only for routes whose filters
 * declare settings; the others' settings are their balancer's, made per call).
 */
import type { FilterInstance } from '../routing/filter-contract.ts';
import type { Route } from '../routing/types.ts';
import { isBalancer, type Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';
import { createLoadBalancer } from './factory.ts';

export interface RouteLbConfig {
  readonly balancer: Balancer;
  readonly endpoints: readonly LbEndpoint[];
  readonly fadeIn: { readonly durationMs: number; readonly exponent: number } | null;
  /** endpointCreated times by host:port. */
  readonly created: ReadonlyMap<string, number>;
}

const cache = new WeakMap<Route, RouteLbConfig>();
const noCreated: ReadonlyMap<string, number> = new Map();

// The settings of a route whose filters declare none are its balancer's: made per call (a small young object)
// rather than cached. The WeakMap keyed by route (kept for routes with settings) would otherwise gain an entry
// per LB route served, each an ephemeron that every major collection processes (at a million routes, 1-3 s
// pauses); balancers are frozen, so the settings cannot be kept on them.

/** Whether a filter of the route declares LB settings (fadeIn, endpointCreated). */
function declaresLbSettings(route: Route): boolean {
  for (const f of route.filters) if (f.lbSettings !== undefined) return true;
  return false;
}

/** The LB settings of an LB route (route.lb !== null). */
export function lbConfigOf(route: Route): RouteLbConfig {
  const lb = route.lb!;
  if (isBalancer(lb) && !declaresLbSettings(route)) {
    return { balancer: lb, endpoints: lb.parsed, fadeIn: null, created: noCreated };
  }
  let cfg = cache.get(route);
  if (cfg === undefined) {
    cfg = build(route);
    cache.set(route, cfg);
  }
  return cfg;
}

function build(route: Route): RouteLbConfig {
  const lb = route.lb!;
  const balancer = isBalancer(lb) ? lb : (createLoadBalancer(lb.algorithm, lb.endpoints) as Balancer);
  let fadeIn: RouteLbConfig['fadeIn'] = null;
  const created = new Map<string, number>();
  for (const f of route.filters) {
    const s = f.lbSettings;
    if (s === undefined) continue;
    if (s.fadeIn !== undefined) fadeIn = s.fadeIn.durationMs > 0 ? s.fadeIn : null;
    if (s.endpointCreated !== undefined && s.endpointCreated.createdMs > 0) created.set(s.endpointCreated.host, s.endpointCreated.createdMs);
  }
  return Object.freeze({ balancer, endpoints: balancer.parsed, fadeIn, created });
}
