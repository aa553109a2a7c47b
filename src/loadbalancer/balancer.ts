/** What a load-balancing algorithm sees of one request, and the algorithm contract. */
import type { LoadBalancer } from '../routing/types.ts';
import type { LbEndpoint } from './endpoint.ts';

export interface LbRequest {
  /** consistentHash: the key (ctx.settings.consistentHashKey, else the client IP). */
  readonly hashKey: string;
  /** consistentHash: bounded-load factor, undefined for plain consistent hashing. */
  readonly balanceFactor: number | undefined;
  /** In-flight requests of an endpoint right now. */
  inflight(ep: LbEndpoint): number;
}

/** A route's load balancer: the parsed endpoints and a choice among the candidates left after fade-in and health filtering. */
export interface Balancer extends LoadBalancer {
  readonly parsed: readonly LbEndpoint[];
  /** `candidates` is a non-empty subset of `parsed`, in `parsed` order. */
  choose(candidates: readonly LbEndpoint[], req: LbRequest): LbEndpoint;
}

/** True when `lb` was built by createLoadBalancer (the proxy adapts foreign LoadBalancer objects). */
export function isBalancer(lb: LoadBalancer): lb is Balancer {
  return typeof (lb as Partial<Balancer>).choose === 'function';
}
