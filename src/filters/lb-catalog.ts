/** Filters that configure load balancing of the route they are on (fadeIn, endpointCreated). */
import type { FilterSpec } from './types.ts';
import { fadeIn } from './fade-in.ts';
import { endpointCreated } from './endpoint-created.ts';

export const lbFilters: readonly FilterSpec[] = [fadeIn, endpointCreated];
