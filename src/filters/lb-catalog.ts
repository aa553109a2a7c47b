/** Filters that configure load balancing of the route they are on (fadeIn, endpointCreated). */
import type { FilterSpec } from './types.ts';

export const lbFilters: readonly FilterSpec[] = [];
