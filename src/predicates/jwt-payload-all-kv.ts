/** JWTPayloadAllKV("key", "value", …): every listed claim equals its value (see jwt-payload.ts). */
import type { PredicateSpec } from '../routing/types.ts';
import { jwtPayloadSpec } from './jwt-payload.ts';

export const jwtPayloadAllKVSpec: PredicateSpec = jwtPayloadSpec('JWTPayloadAllKV', true, false);
