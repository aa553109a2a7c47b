/** Filters whose effect shows on the wire: timing, bodies, compression, shadow traffic, dynamic backends. */
import type { FilterSpec } from './types.ts';

export const wireFilters: readonly FilterSpec[] = [];
