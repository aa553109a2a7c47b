/**
 * ContentLengthBetween(min, max): the request's Content-Length is in [min, max). A request without
 * Content-Length counts as 0, a chunked one as unknown (-1, never matching), as Go's Request.ContentLength.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, numberArg } from './args.ts';
import { firstHeader } from './request-values.ts';

export const contentLengthBetweenSpec: PredicateSpec = {
  name: 'ContentLengthBetween',
  create(args) {
    expectCount('ContentLengthBetween', args, 2);
    const min = Math.trunc(numberArg('ContentLengthBetween', args, 0));
    const max = Math.trunc(numberArg('ContentLengthBetween', args, 1));
    if (min < 0 || max < 0 || min >= max) throw new InvalidArgsError(`ContentLengthBetween: need 0 <= min < max, got ${min}, ${max}`);
    return {
      match(req: RoutingRequest) {
        const n = contentLength(req);
        return n >= min && n < max;
      },
    };
  },
};

function contentLength(req: RoutingRequest): number {
  const cl = firstHeader(req, 'content-length');
  if (cl !== undefined) return /^[0-9]+$/.test(cl) ? Number(cl) : -1;
  return firstHeader(req, 'transfer-encoding') !== undefined ? -1 : 0;
}
