/**
 * disableRatelimit(): exempts the route from the instance-wide default limit (-ratelimits). It does
 * nothing per request; route-level rate-limit filters on the same route still apply.
 */
import type { FilterSpec } from '../types.ts';
import { argRange } from './args.ts';

export const DISABLE_NAME = 'disableRatelimit';

export const disableRatelimit: FilterSpec = {
  name: DISABLE_NAME,
  create(args) {
    argRange(DISABLE_NAME, args, 0, 0);
    return { name: DISABLE_NAME };
  },
};
