/** JWTPayloadAnyKV("key", "value", …): one listed claim equals its value (see jwt-payload.ts). */
import type { PredicateSpec } from '../routing/types.ts';
import { jwtPayloadSpec } from './jwt-payload.ts';

export const jwtPayloadAnyKVSpec: PredicateSpec = jwtPayloadSpec('JWTPayloadAnyKV', false, false);
