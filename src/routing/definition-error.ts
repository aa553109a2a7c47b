/** The error a route definition fails with at build time, carrying Skipper's invalid-route reason code. */
import { ErrorCodes, SkipjackError, type ErrorCode } from '../errors.ts';
import type { InvalidRouteReason } from './types.ts';

const codes: Record<InvalidRouteReason, ErrorCode> = {
  unknown_predicate: ErrorCodes.SKJ_ERR_ROUTE_UNKNOWN_PREDICATE,
  invalid_predicate_params: ErrorCodes.SKJ_ERR_ROUTE_INVALID_PREDICATE_PARAMS,
  unknown_filter: ErrorCodes.SKJ_ERR_ROUTE_UNKNOWN_FILTER,
  invalid_filter_params: ErrorCodes.SKJ_ERR_ROUTE_INVALID_FILTER_PARAMS,
  invalid_backend: ErrorCodes.SKJ_ERR_ROUTE_INVALID_BACKEND,
  duplicate_route_id: ErrorCodes.SKJ_ERR_ROUTE_DUPLICATE_ID,
  failed_to_parse: ErrorCodes.SKJ_ERR_ESKIP_PARSE,
};

/** Thrown while compiling one route; the compiler turns it into an InvalidRoute entry. */
export class RouteDefinitionError extends SkipjackError {
  readonly reason: InvalidRouteReason;
  constructor(reason: InvalidRouteReason, message: string) {
    super(codes[reason], message);
    this.reason = reason;
    this.name = 'RouteDefinitionError';
  }
}

/** The message of anything thrown by a spec's create(). */
export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
