import type { Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';

/** Round robin over the candidates, starting at a random position so instances do not move in lockstep. */
export function roundRobin(endpoints: readonly string[], parsed: readonly LbEndpoint[]): Balancer {
  let next = Math.floor(Math.random() * parsed.length);
  return {
    algorithm: 'roundRobin',
    endpoints,
    parsed,
    choose(candidates) {
      if (candidates.length === 1) return candidates[0]!;
      next = (next + 1) % 0x7fffffff;
      return candidates[next % candidates.length]!;
    },
  };
}
