/**
 * What the router needs from predicates and gives to the proxy. Declared here, where it is consumed;
 * `src/predicates/` implements the specs, `src/proxy/` consumes the compiled table.
 */
import type { CreationCache } from './creation-cache.ts';
import type { Arg, RouteDef } from '../eskip/index.ts';
import type { FilterInstance } from './filter-contract.ts';

import type { HeaderBag } from '../net/index.ts';

export type { HeaderBag };

/**
 * The request as routing sees it. Built once per request by the proxy; predicates must not mutate it.
 * Fields marked lazy are filled on first use by whichever predicate needs them (see `src/routing/request.ts`).
 */
export interface RoutingRequest {
  method: string;
  /** The Host header as received (may include a port). */
  host: string;
  /** The decoded URL path, always starting with "/". */
  path: string;
  /** The raw query string without "?", "" when absent. */
  rawQuery: string;
  headers: HeaderBag;
  /** The peer's IP address (no port). */
  remoteAddress: string;
  /** Lazy: parsed query. */
  query?: URLSearchParams;
  /** Lazy: parsed Cookie header. */
  cookies?: Map<string, string>;
  /** Lazy: the one random number in [0, 1) that every TrafficSegment predicate of this request shares. */
  trafficSegmentRandom?: number;
}

/** A compiled predicate instance, created once per route at build time. */
export interface PredicateMatcher {
  match(req: RoutingRequest): boolean;
  /**
   * Set by host predicates whose matches are confined to known hostnames: any request this matcher accepts
   * has a Host that, without a `:port` and one trailing dot, is one of these. The route table indexes by it.
   */
  readonly hostKeys?: readonly string[];
  /**
   * What a request's host index key decides about this matcher, when it has `hostKeys`: 'key' — it accepts
   * exactly the requests whose key (src/routing/host-key.ts) is one of them; 'exact' — exactly those whose
   * Host is one of them. The route table then skips the matcher for routes found under that key.
   */
  readonly hostMatch?: 'key' | 'exact';
}

/** A predicate as registered: validates eskip arguments at route-build time and builds a matcher. */
export interface PredicateSpec {
  readonly name: string;
  /**
   * Throws InvalidArgsError (from src/errors.ts) when the arguments are not acceptable. `cache` is the
   * compile's creation cache; only specs whose matchers keep no state use it (src/predicates/memo.ts).
   */
  create(args: Arg[], cache?: CreationCache): PredicateMatcher;
  /**
   * Extra weight this predicate adds to route precedence (Skipper's `Weight(n)`); most predicates add none.
   * Called with the already validated arguments.
   */
  weight?(args: Arg[]): number;
}

/** Load-balancer state created once per route at build time by an injected factory (src/loadbalancer). */
export interface LoadBalancer {
  readonly algorithm: string;
  readonly endpoints: readonly string[];
}

/** Builds the load balancer of an LB route; throws InvalidArgsError on an unknown algorithm. */
export type LoadBalancerFactory = (algorithm: string, endpoints: readonly string[]) => LoadBalancer;

/** Why a route definition could not be used. Skipper's reason codes. */
export type InvalidRouteReason =
  | 'unknown_predicate'
  | 'invalid_predicate_params'
  | 'unknown_filter'
  | 'invalid_filter_params'
  | 'invalid_backend'
  | 'duplicate_route_id'
  | 'failed_to_parse';

export interface InvalidRoute {
  id: string;
  reason: InvalidRouteReason;
  message: string;
  def?: RouteDef;
}

/** A compiled, immutable route. Every field is set at build time; request paths only read it. */
export interface Route {
  readonly id: string;
  readonly def: RouteDef;
  /** Filter instances in eskip order. */
  readonly filters: readonly FilterInstance[];
  /** Filters with a request hook, in order; null when none (checked with `!== null` on the hot path). */
  readonly requestFilters: readonly FilterInstance[] | null;
  /** Filters with a response hook, in reverse order; null when none. */
  readonly responseFilters: readonly FilterInstance[] | null;
  /** Parsed network backend URL, for `backendType === 'network'`. */
  readonly backendUrl: URL | null;
  /** For `backendType === 'lb'`. */
  readonly lb: LoadBalancer | null;
}

/** The result of a lookup: the route and the values of its path wildcards. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

/** An immutable, compiled route table generation. Swapped in one assignment. */
export interface RouteTable {
  readonly generation: number;
  readonly routes: readonly Route[];
  readonly invalid: readonly InvalidRoute[];
  lookup(req: RoutingRequest): RouteMatch | null;
  /** Called by the proxy when the last request pinned to this generation ends after a newer one was swapped in. */
  release(): void;
}
