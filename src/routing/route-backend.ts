/** Validates and prepares the backend of one route definition (reason `invalid_backend`). */
import type { RouteDef } from '../eskip/index.ts';
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
  const endpoints = (def.lbEndpoints ?? []).map((e) => e.address);
  if (endpoints.length === 0) throw new RouteDefinitionError('invalid_backend', `route ${def.id}: load-balanced backend without endpoints`);
  for (const e of endpoints) parseBackendUrl(def.id, e, urls);
  const algorithm = def.lbAlgorithm ?? '';
  if (lbFactory === undefined) return { backendUrl: null, lb: Object.freeze({ algorithm, endpoints: Object.freeze(endpoints) }) };
  try {
    return { backendUrl: null, lb: lbFactory(algorithm, Object.freeze(endpoints)) };
  } catch (e) {
    throw new RouteDefinitionError('invalid_backend', `route ${def.id}: load balancer: ${describe(e)}`);
  }
}
