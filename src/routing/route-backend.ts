/** Validates and prepares the backend of one route definition (reason `invalid_backend`). */
import type { LBEndpoint, RouteDef } from '../eskip/index.ts';
import { describe, RouteDefinitionError } from './definition-error.ts';
import type { LoadBalancer, LoadBalancerFactory } from './types.ts';

/** Parses an absolute URL with scheme and host (Go's url.ParseRequestURI plus Skipper's checks). */
export function parseBackendUrl(routeId: string, raw: string, urls: Map<string, URL>): URL {
  const hit = urls.get(raw);
  if (hit !== undefined) return hit;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RouteDefinitionError('invalid_backend', `route ${routeId}: invalid backend URL ${JSON.stringify(raw)}`);
  }
  if (u.host === '') throw new RouteDefinitionError('invalid_backend', `route ${routeId}: backend URL ${JSON.stringify(raw)} has no host`);
  // Routes with the same backend share one URL object: request paths only read it.
  urls.set(raw, u);
  return u;
}

const noEndpoints: readonly LBEndpoint[] = [];
const addresses = new WeakMap<readonly LBEndpoint[], readonly string[]>();

/** The parsed network URL and/or load balancer of a route. */
export function compileBackend(
  def: RouteDef, lbFactory: LoadBalancerFactory | undefined, urls: Map<string, URL>,
): { backendUrl: URL | null; lb: LoadBalancer | null } {
  if (def.backendType === 'network') {
    if (def.backend === undefined || def.backend === '') {
      throw new RouteDefinitionError('invalid_backend', `route ${def.id}: network backend without URL`);
    }
    return { backendUrl: parseBackendUrl(def.id, def.backend, urls), lb: null };
  }
  if (def.backendType !== 'lb') return { backendUrl: null, lb: null };
  const list = def.lbEndpoints ?? noEndpoints;
  // Routes of one service share their (frozen, parsed) endpoint list: its addresses are checked once.
  let endpoints = Object.isFrozen(list) ? addresses.get(list) : undefined;
  if (endpoints === undefined) {
    const own = list.map((e) => e.address);
    if (own.length === 0) throw new RouteDefinitionError('invalid_backend', `route ${def.id}: load-balanced backend without endpoints`);
    for (const e of own) parseBackendUrl(def.id, e, urls);
    endpoints = Object.freeze(own);
    if (Object.isFrozen(list)) addresses.set(list, endpoints);
  }
  const algorithm = def.lbAlgorithm ?? '';
  if (lbFactory === undefined) return { backendUrl: null, lb: Object.freeze({ algorithm, endpoints }) };
  try {
    return { backendUrl: null, lb: lbFactory(algorithm, endpoints) };
  } catch (e) {
    throw new RouteDefinitionError('invalid_backend', `route ${def.id}: load balancer: ${describe(e)}`);
  }
}
