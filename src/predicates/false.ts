/** False(): never matches; disables a route without removing it. */
import type { PredicateSpec } from '../routing/types.ts';

export const falseSpec: PredicateSpec = { name: 'False', create: () => ({ match: () => false }) };
