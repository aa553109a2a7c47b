/** The registry of every built-in filter. Each catalog file lists the specs of one family. */
import { Registry } from '../registry.ts';
import type { FilterSpec } from './types.ts';
import { coreFilters } from './core-catalog.ts';
import { wireFilters } from './wire-catalog.ts';
import { lbFilters } from './lb-catalog.ts';
import { circuitFilters } from './circuit/breakers.ts';
import { SheddingRegistry, sheddingFilters } from './shedding/catalog.ts';

/** Process-wide state some filter families keep outside the route table. */
export interface FilterDeps {
  /** Queues and admission windows; a fresh one per registry when absent. */
  shedding?: SheddingRegistry;
  /** admissionControl's logInactive lines. */
  log?: (message: string) => void;
}

/** A fresh registry holding every built-in filter; extra specs (rate limits) are added by the composition root. */
export function builtinFilters(extra: Iterable<FilterSpec> = [], deps: FilterDeps = {}): Registry<FilterSpec> {
  const shedding = sheddingFilters(deps.shedding ?? new SheddingRegistry(), deps.log);
  return new Registry<FilterSpec>('filter', [...coreFilters, ...wireFilters, ...lbFilters, ...circuitFilters, ...shedding, ...extra]);
}
