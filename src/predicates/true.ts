/** True(): always matches. Used to raise a route's predicate count, hence its precedence. */
import type { PredicateSpec } from '../routing/types.ts';

export const trueSpec: PredicateSpec = { name: 'True', create: () => ({ match: () => true }) };
