/**
 * The eskip route model: what the parser produces, the printer consumes and every route source emits.
 *
 * Arguments are plain strings and numbers, as in Skipper: a regexp literal `/x/` becomes the string "x"
 * (so `Host(/^a$/)` equals `Host("^a$")`), and every number is a float64.
 */

/** A predicate or filter argument. */
export type Arg = string | number;

/** Where a route (or a token in it) came from, for error messages that name file:line:col. */
export interface SourcePos {
  file?: string;
  line: number;
  col: number;
}

/** A predicate call such as `Path("/x")`. `*` and `Any()` produce no predicate. */
export interface PredicateCall {
  name: string;
  args: Arg[];
}

/** A filter call such as `setPath("/x")`. */
export interface FilterCall {
  name: string;
  args: Arg[];
}

export type BackendType = 'network' | 'shunt' | 'loopback' | 'dynamic' | 'forward' | 'lb';

/** One endpoint of a load-balanced backend. */
export interface LBEndpoint {
  address: string;
  /** Topology zone, only set by sources that know it (Kubernetes EndpointSlices). */
  zone?: string;
}

/** One route definition: the unit the data clients produce and the route table compiles. */
export interface RouteDef {
  id: string;
  predicates: PredicateCall[];
  filters: FilterCall[];
  backendType: BackendType;
  /** The URL of a network backend (`backendType === 'network'`). */
  backend?: string;
  /** The algorithm of an LB backend; "" when the eskip omitted it (`<"a", "b">`). */
  lbAlgorithm?: string;
  /** The endpoints of an LB backend. */
  lbEndpoints?: LBEndpoint[];
  /** Kubernetes origin of the route (kind "Ingress" or "RouteGroup", namespace, name), when it has one; ignored by route equality. */
  kind?: string;
  namespace?: string;
  name?: string;
  /** Where the route was defined, when parsed from text. */
  pos?: SourcePos;
}
