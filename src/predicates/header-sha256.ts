/**
 * HeaderSHA256("Name", "hex", …): the SHA-256 of the header's first value equals one of the hex-encoded
 * hashes. Lets a route require a secret without putting the secret in the route.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, stringArg } from './args.ts';
import { firstHeader } from './request-values.ts';

export const headerSHA256Spec: PredicateSpec = {
  name: 'HeaderSHA256',
  create(args) {
    expectCount('HeaderSHA256', args, 2, Infinity);
    const name = stringArg('HeaderSHA256', args, 0).toLowerCase();
    const hashes: Buffer[] = [];
    for (let i = 1; i < args.length; i++) {
      const hex = stringArg('HeaderSHA256', args, i);
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidArgsError(`HeaderSHA256: argument ${i + 1} is not a hex-encoded SHA-256 hash`);
      hashes.push(Buffer.from(hex, 'hex'));
    }
    return {
      match(req: RoutingRequest) {
        const v = firstHeader(req, name);
        if (v === undefined || v === '') return false;
        const h = createHash('sha256').update(v).digest();
        for (const x of hashes) if (timingSafeEqual(h, x)) return true;
        return false;
      },
    };
  },
};
