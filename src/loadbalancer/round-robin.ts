import type { Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';

/**
 * Round robin over the candidates, starting at a random position so instances do not move in lockstep.
 * A class rather than a closure: one per LB route, and a million routes made the closure and its context
 * cost ≈ 100 B per route more than a field.
 */
class RoundRobin implements Balancer {
  readonly algorithm = 'roundRobin';
  readonly endpoints: readonly string[];
  readonly parsed: readonly LbEndpoint[];
  #next: number;

  constructor(endpoints: readonly string[], parsed: readonly LbEndpoint[]) {
    this.endpoints = endpoints;
    this.parsed = parsed;
    this.#next = Math.floor(Math.random() * parsed.length);
  }

  choose(candidates: readonly LbEndpoint[]): LbEndpoint {
    if (candidates.length === 1) return candidates[0]!;
    this.#next = (this.#next + 1) % 0x7fffffff;
    return candidates[this.#next % candidates.length]!;
  }
}

export function roundRobin(endpoints: readonly string[], parsed: readonly LbEndpoint[]): Balancer {
  return new RoundRobin(endpoints, parsed);
}
