/** Per-route timeouts: backendTimeout, readTimeout, writeTimeout. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { backendTimeout, readTimeout, writeTimeout } from './timeouts.ts';

/** The timeouts family; it needs nothing from the process. */
export function timeoutFilters(): FilterSpec[] {
  return [backendTimeout, readTimeout, writeTimeout];
}
