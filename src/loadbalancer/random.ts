import type { Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';

/** A uniformly random candidate. */
export function random(endpoints: readonly string[], parsed: readonly LbEndpoint[]): Balancer {
  return {
    algorithm: 'random',
    endpoints,
    parsed,
    choose(candidates) {
      return candidates[Math.floor(Math.random() * candidates.length)]!;
    },
  };
}
