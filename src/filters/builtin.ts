/** The registry of every built-in filter. Each catalog file lists the specs of one family. */
import { Registry } from '../registry.ts';
import type { FilterSpec } from '../routing/filter-contract.ts';
import { coreFilters } from './core-catalog.ts';
import { wireFilters } from './wire-catalog.ts';
import { lbFilters } from './lb-catalog.ts';

/** A fresh registry holding every built-in filter; extra specs (rate limits, breakers) are added by the composition root. */
export function builtinFilters(extra: Iterable<FilterSpec> = []): Registry<FilterSpec> {
  return new Registry<FilterSpec>('filter', [...coreFilters, ...wireFilters, ...lbFilters, ...extra]);
}
