/**
 * The load-balancer factory injected into the route table compiler: parses the endpoints and builds the
 * algorithm's state once per route at build time.
 */
import { InvalidArgsError } from '../errors.ts';
import type { LoadBalancerFactory } from '../routing/types.ts';
import type { Balancer } from './balancer.ts';
import { consistentHash } from './consistent-hash.ts';
import { parseEndpoint, type LbEndpoint } from './endpoint.ts';
import { powerOfRandomNChoices } from './power-of-n-choices.ts';
import { random } from './random.ts';
import { roundRobin } from './round-robin.ts';

type Algorithm = (endpoints: readonly string[], parsed: readonly LbEndpoint[]) => Balancer;

const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map([
  // An LB backend written without an algorithm (`<"a", "b">`) gets Skipper's default.
  ['', roundRobin],
  ['roundRobin', roundRobin],
  ['random', random],
  ['consistentHash', consistentHash],
  ['powerOfRandomNChoices', powerOfRandomNChoices],
]);

/** The algorithm names an LB backend may use. */
export const lbAlgorithms: readonly string[] = [...ALGORITHMS.keys()].filter((k) => k !== '');

const parsedLists = new WeakMap<readonly string[], readonly LbEndpoint[]>();

/** Builds a route's load balancer; throws InvalidArgsError on an unknown algorithm, no endpoints or a bad endpoint. */
export const createLoadBalancer: LoadBalancerFactory = (algorithm, endpoints) => {
  const make = ALGORITHMS.get(algorithm);
  if (make === undefined) {
    throw new InvalidArgsError(`unsupported LB algorithm ${JSON.stringify(algorithm)} (use one of ${lbAlgorithms.join(', ')})`);
  }
  if (endpoints.length === 0) throw new InvalidArgsError('LB backend without endpoints');
  // Routes of one service pass one frozen address list (route-backend.ts): parsed once, shared read-only.
  let parsed = Object.isFrozen(endpoints) ? parsedLists.get(endpoints) : undefined;
  if (parsed === undefined) {
    parsed = Object.freeze(endpoints.map(parseEndpoint));
    if (Object.isFrozen(endpoints)) parsedLists.set(endpoints, parsed);
  }
  return Object.freeze(make(Object.isFrozen(endpoints) ? endpoints : Object.freeze([...endpoints]), parsed));
};

