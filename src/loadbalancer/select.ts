/**
 * Endpoint selection for one request, as Skipper's proxy does it: drop endpoints still fading in
 * (probabilistically, by age), drop endpoints the passive health check marked unhealthy (probabilistically,
 * by failure ratio), then let the route's algorithm choose among the rest.
 */
import type { LbEndpoint } from './endpoint.ts';
import type { EndpointRegistry } from './endpoint-registry.ts';
import type { LbRequest } from './balancer.ts';
import type { RouteLbConfig } from './route-config.ts';

/** Share of traffic an endpoint of age `ageMs` gets while fading in: (age/duration)^exponent. */
export function fadeInScore(ageMs: number, durationMs: number, exponent: number): number {
  if (ageMs <= 0 || ageMs >= durationMs) return 1;
  return Math.pow(ageMs / durationMs, exponent);
}

/** Endpoints that pass one random fade-in draw; all of them when none passes. */
export function filterFadeIn(
  endpoints: readonly LbEndpoint[],
  fadeIn: { durationMs: number; exponent: number },
  registry: EndpointRegistry,
  now: number,
  rnd: number,
): readonly LbEndpoint[] {
  let out: LbEndpoint[] | null = null;
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i]!;
    const age = now - registry.get(ep.host).detected;
    const keep = rnd < fadeInScore(age, fadeIn.durationMs, fadeIn.exponent);
    if (!keep && out === null) out = endpoints.slice(0, i);
    else if (keep && out !== null) out.push(ep);
  }
  return out === null || out.length === 0 ? endpoints : out;
}

/**
 * Endpoints that pass one random draw against their drop probability. When more than
 * maxUnhealthyRatio of them would be dropped, or all of them, every endpoint stays (Skipper's rule).
 */
export function filterHealthy(
  endpoints: readonly LbEndpoint[],
  registry: EndpointRegistry,
  maxUnhealthyRatio: number,
  rnd: number,
): readonly LbEndpoint[] {
  const maxDropped = endpoints.length * maxUnhealthyRatio;
  let dropped = 0;
  let out: LbEndpoint[] | null = null;
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i]!;
    const p = registry.peek(ep.host)?.dropProbability ?? 0;
    if (rnd < p) {
      if (++dropped > maxDropped) return endpoints;
      if (out === null) out = endpoints.slice(0, i);
    } else if (out !== null) out.push(ep);
  }
  return out === null || out.length === 0 ? endpoints : out;
}

/** Chooses the endpoint for one attempt; `exclude` holds endpoints that already failed this request. */
export function selectEndpoint(
  cfg: RouteLbConfig,
  registry: EndpointRegistry,
  req: LbRequest,
  exclude: ReadonlySet<LbEndpoint> | null,
): LbEndpoint {
  let candidates = cfg.endpoints;
  if (exclude !== null) {
    const rest = candidates.filter((e) => !exclude.has(e));
    if (rest.length > 0) candidates = rest;
  }
  if (cfg.fadeIn !== null) candidates = filterFadeIn(candidates, cfg.fadeIn, registry, registry.now(), Math.random());
  const health = registry.healthCheck;
  if (health !== null) candidates = filterHealthy(candidates, registry, health.maxUnhealthyEndpointsRatio, Math.random());
  return cfg.balancer.choose(candidates, req);
}
