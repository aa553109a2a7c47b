/**
 * Tee("label"): matches the shadow copies the teeLoopback("label") filter sends through routing again;
 * that filter marks them with the X-Tee-Loopback-Key header.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { firstHeader } from './request-values.ts';

/** The header teeLoopback sets on its copies (lower-case, as node:http delivers names). */
export const teeLoopbackHeader = 'x-tee-loopback-key';

export const teeSpec: PredicateSpec = {
  name: 'Tee',
  create(args) {
    expectCount('Tee', args, 1);
    const key = stringArg('Tee', args, 0);
    return {
      match(req: RoutingRequest) {
        const v = firstHeader(req, teeLoopbackHeader);
        return v !== undefined && v !== '' && v === key;
      },
    };
  },
};
