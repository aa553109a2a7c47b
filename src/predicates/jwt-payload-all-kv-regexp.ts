/** JWTPayloadAllKVRegexp("key", "value", …): every listed claim matches its RE2 expression (see jwt-payload.ts). */
import type { PredicateSpec } from '../routing/types.ts';
import { jwtPayloadSpec } from './jwt-payload.ts';

export const jwtPayloadAllKVRegexpSpec: PredicateSpec = jwtPayloadSpec('JWTPayloadAllKVRegexp', true, true);
