/**
 * The load-balancing settings of one route, derived once per compiled route and cached by identity:
 * its balancer, the fadeIn settings and endpointCreated times from its filters. Routes are immutable, so a
 * WeakMap keyed by the route is exact and goes away with the table generation.
 */
import type { FilterInstance } from '../routing/filter-contract.ts';
import type { Route } from '../routing/types.ts';
import { isBalancer, type Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';
import { createLoadBalancer } from './factory.ts';

/** What the fadeIn filter instance carries (src/filters/lb/fade-in.ts). */
export interface FadeInSettings extends FilterInstance {
  readonly name: 'fadeIn';
  readonly durationMs: number;
  readonly exponent: number;
}

/** What the endpointCreated filter instance carries (src/filters/lb/endpoint-created.ts). */
export interface EndpointCreatedSettings extends FilterInstance {
  readonly name: 'endpointCreated';
  /** host:port of the endpoint. */
  readonly host: string;
  /** Epoch ms; 0 when the given time was in the future (clock skew) and is ignored. */
  readonly createdMs: number;
}

export interface RouteLbConfig {
  readonly balancer: Balancer;
  readonly endpoints: readonly LbEndpoint[];
  readonly fadeIn: { readonly durationMs: number; readonly exponent: number } | null;
  /** endpointCreated times by host:port. */
  readonly created: ReadonlyMap<string, number>;
}

const cache = new WeakMap<Route, RouteLbConfig>();

/** The LB settings of an LB route (route.lb !== null). */
export function lbConfigOf(route: Route): RouteLbConfig {
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
    if (isFadeIn(f)) fadeIn = f.durationMs > 0 ? { durationMs: f.durationMs, exponent: f.exponent } : null;
    else if (isEndpointCreated(f) && f.createdMs > 0) created.set(f.host, f.createdMs);
  }
  return Object.freeze({ balancer, endpoints: balancer.parsed, fadeIn, created });
}

function isFadeIn(f: FilterInstance): f is FadeInSettings {
  return f.name === 'fadeIn' && typeof (f as Partial<FadeInSettings>).durationMs === 'number';
}

function isEndpointCreated(f: FilterInstance): f is EndpointCreatedSettings {
  return f.name === 'endpointCreated' && typeof (f as Partial<EndpointCreatedSettings>).host === 'string';
}
