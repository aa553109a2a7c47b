/**
 * The error catalogue of the core (`src/`): every error the core throws or reports carries one of these
 * stable codes. Codes never change meaning; docs/reference/errors.md lists them.
 */
export const ErrorCodes = {
  /** eskip text that does not parse. */
  SKJ_ERR_ESKIP_PARSE: 'SKJ_ERR_ESKIP_PARSE',
  /** A route names a predicate that is not registered (invalid route reason `unknown_predicate`). */
  SKJ_ERR_ROUTE_UNKNOWN_PREDICATE: 'SKJ_ERR_ROUTE_UNKNOWN_PREDICATE',
  /** A predicate got arguments it cannot take (reason `invalid_predicate_params`). */
  SKJ_ERR_ROUTE_INVALID_PREDICATE_PARAMS: 'SKJ_ERR_ROUTE_INVALID_PREDICATE_PARAMS',
  /** A route names a filter that is not registered (reason `unknown_filter`). */
  SKJ_ERR_ROUTE_UNKNOWN_FILTER: 'SKJ_ERR_ROUTE_UNKNOWN_FILTER',
  /** A filter got arguments it cannot take (reason `invalid_filter_params`). */
  SKJ_ERR_ROUTE_INVALID_FILTER_PARAMS: 'SKJ_ERR_ROUTE_INVALID_FILTER_PARAMS',
  /** A backend that cannot be used: bad URL, no endpoints, unknown LB algorithm (reason `invalid_backend`). */
  SKJ_ERR_ROUTE_INVALID_BACKEND: 'SKJ_ERR_ROUTE_INVALID_BACKEND',
  /** Two routes with the same id in one source (reason `duplicate_route_id`). */
  SKJ_ERR_ROUTE_DUPLICATE_ID: 'SKJ_ERR_ROUTE_DUPLICATE_ID',
  /** A command-line flag or config-file key that is unknown or has a bad value. */
  SKJ_ERR_CONFIG_FLAG: 'SKJ_ERR_CONFIG_FLAG',
  /** A background service (route sources, a listener, a store client) failed to start; the message names it. */
  SKJ_ERR_LIFECYCLE_START: 'SKJ_ERR_LIFECYCLE_START',
  /** A route source (file, URL, Kubernetes) failed to load. */
  SKJ_ERR_SOURCE_LOAD: 'SKJ_ERR_SOURCE_LOAD',
  /** A route source larger than -max-route-source-bytes; refused before it is read or parsed. */
  SKJ_ERR_SOURCE_TOO_LARGE: 'SKJ_ERR_SOURCE_TOO_LARGE',
  /** A route source, or the merged table, with more routes than -max-routes; refused, the last good routes stay. */
  SKJ_ERR_TOO_MANY_ROUTES: 'SKJ_ERR_TOO_MANY_ROUTES',
  /** A Kubernetes object that cannot be converted to routes; only that object's routes are dropped. */
  SKJ_ERR_KUBE_INVALID_OBJECT: 'SKJ_ERR_KUBE_INVALID_OBJECT',
  /** A filter failed while handling a request (500). */
  SKJ_ERR_PROXY_FILTER_FAILED: 'SKJ_ERR_PROXY_FILTER_FAILED',
  /** The backend refused or reset the connection (502). */
  SKJ_ERR_PROXY_BACKEND_CONNECT: 'SKJ_ERR_PROXY_BACKEND_CONNECT',
  /** The backend did not answer in time (504). */
  SKJ_ERR_PROXY_BACKEND_TIMEOUT: 'SKJ_ERR_PROXY_BACKEND_TIMEOUT',
  /** The route's backend has no usable endpoint (503). */
  SKJ_ERR_PROXY_NO_ENDPOINTS: 'SKJ_ERR_PROXY_NO_ENDPOINTS',
  /** No route matched (404). */
  SKJ_ERR_PROXY_NO_ROUTE: 'SKJ_ERR_PROXY_NO_ROUTE',
  /** More loopbacks than -max-loopbacks allows (500). */
  SKJ_ERR_PROXY_MAX_LOOPBACKS: 'SKJ_ERR_PROXY_MAX_LOOPBACKS',
  /** A circuit breaker for the backend host is open (or half-open and out of probes): 503, backend not called. */
  SKJ_ERR_PROXY_BREAKER_OPEN: 'SKJ_ERR_PROXY_BREAKER_OPEN',
  /** A backend guard failed while deciding on an attempt (500); the attempt is not made. */
  SKJ_ERR_PROXY_GUARD_FAILED: 'SKJ_ERR_PROXY_GUARD_FAILED',
  /** A request shaped for smuggling (conflicting Content-Length / Transfer-Encoding), rejected with 400. */
  SKJ_ERR_PROXY_BAD_REQUEST: 'SKJ_ERR_PROXY_BAD_REQUEST',
  /** A request framed with a transfer coding other than chunked, e.g. `gzip, chunked` (501, as nginx). */
  SKJ_ERR_PROXY_NOT_IMPLEMENTED: 'SKJ_ERR_PROXY_NOT_IMPLEMENTED',
  /** A request line with an HTTP version other than 1.x, e.g. `HTTP/2.0` over HTTP/1 framing (505, as nginx). */
  SKJ_ERR_PROXY_HTTP_VERSION: 'SKJ_ERR_PROXY_HTTP_VERSION',
  /** backendRatelimit: the endpoint's request budget is spent; the attempt is not made (503 or the configured status). */
  SKJ_ERR_PROXY_BACKEND_RATELIMITED: 'SKJ_ERR_PROXY_BACKEND_RATELIMITED',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Base class of every error the core raises on purpose. */
export class SkipjackError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'SkipjackError';
  }
}

/**
 * A predicate or filter spec rejects its eskip arguments at route-build time. The route compiler turns it
 * into an invalid route with reason `invalid_predicate_params` / `invalid_filter_params`.
 */
export class InvalidArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgsError';
  }
}
