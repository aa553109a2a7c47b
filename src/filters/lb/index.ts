/** Load-balancing filters: consistent-hash settings per request, fadeIn and endpointCreated per route. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { consistentHashBalanceFactor, consistentHashKey } from './consistent-hash.ts';
import { endpointCreated } from './endpoint-created.ts';
import { fadeIn } from './fade-in.ts';

/** The load-balancing family; it needs nothing from the process. */
export function lbFilters(): FilterSpec[] {
  return [consistentHashKey, consistentHashBalanceFactor, fadeIn, endpointCreated];
}
