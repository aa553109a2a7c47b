/** JWTPayloadAnyKVRegexp("key", "value", …): one listed claim matches its RE2 expression (see jwt-payload.ts). */
import type { PredicateSpec } from '../routing/types.ts';
import { jwtPayloadSpec } from './jwt-payload.ts';

export const jwtPayloadAnyKVRegexpSpec: PredicateSpec = jwtPayloadSpec('JWTPayloadAnyKVRegexp', false, true);
