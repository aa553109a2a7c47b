/** Filters that configure load balancing of the route they are on (fadeIn, endpointCreated). */
import type { FilterSpec } from '../routing/filter-contract.ts';
import { fadeIn } from './lb/fade-in.ts';
import { endpointCreated } from './lb/endpoint-created.ts';

export const lbFilters: readonly FilterSpec[] = [fadeIn, endpointCreated];
