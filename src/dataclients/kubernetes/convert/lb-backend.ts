/** Backends built from a service's endpoints: none → 502 shunt, one → network backend, more → LB. */
import type { LBEndpoint, RouteDef } from '../../../eskip/index.ts';

/** Skipper's `-kubernetes-default-lb-algorithm` values; anything else (and "none") means roundRobin. */
export const lbAlgorithms: readonly string[] = ['roundRobin', 'random', 'consistentHash', 'powerOfRandomNChoices'];
export const defaultLBAlgorithm = 'roundRobin';

/** Normalises the default algorithm option as Skipper's client constructor does. */
export function normalizeLBAlgorithm(a: string): string {
  return lbAlgorithms.includes(a) ? a : defaultLBAlgorithm;
}

/**
 * Turns the route into `status(502) -> inlineContent("no endpoints") -> <shunt>`, replacing its filters,
 * so that a service without endpoints answers 502 instead of falling through to other routes.
 */
export function shuntNoEndpoints(r: RouteDef): void {
  r.filters = [
    { name: 'status', args: [502] },
    { name: 'inlineContent', args: ['no endpoints'] },
  ];
  r.backendType = 'shunt';
  delete r.backend;
  delete r.lbAlgorithm;
  delete r.lbEndpoints;
}

/**
 * Sets the backend for the given endpoints: no endpoints → {@link shuntNoEndpoints}; one → network
 * backend to its address; several → LB backend with the algorithm.
 */
export function setEndpointsBackend(r: RouteDef, eps: readonly LBEndpoint[], algorithm: string): void {
  if (eps.length === 0) {
    shuntNoEndpoints(r);
  } else if (eps.length === 1) {
    r.backendType = 'network';
    r.backend = eps[0].address;
  } else {
    r.backendType = 'lb';
    r.lbAlgorithm = algorithm;
    r.lbEndpoints = eps.map((e) => ({ ...e }));
  }
}
