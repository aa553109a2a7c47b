/**
 * The registry of every built-in filter: each family folder exports a factory that takes what it needs
 * from the process, and this is the one place that lists the families. A new family adds its folder and
 * one line here; specs from outside src/filters (none yet) come in as `extra`.
 */
import { HttpClients } from '../net/index.ts';
import { Registry } from '../registry.ts';
import type { FilterSpec } from '../routing/filter-contract.ts';
import { backendFilters } from './backend/index.ts';
import { contentFilters } from './content/index.ts';
import { cookieFilters } from './cookies/index.ts';
import { diagnosticsFilters } from './diagnostics/index.ts';
import { headerFilters } from './headers/index.ts';
import { lbFilters } from './lb/index.ts';
import { pathFilters } from './path/index.ts';
import { shadowFilters } from './shadow/index.ts';
import { timeoutFilters } from './timeouts/index.ts';
import { circuitFilters } from './circuit/breakers.ts';
import { SheddingRegistry, sheddingFilters } from './shedding/catalog.ts';

/** What the filter families need from the process, owned there as services. */
export interface FilterDeps {
  /** Outgoing HTTP clients (tee); absent: the registry gets clients of its own, closed with nothing. */
  readonly clients?: HttpClients;
  /** Queues and admission windows, kept outside the route table; a fresh one per registry when absent. */
  readonly shedding?: SheddingRegistry;
  /** admissionControl's logInactive lines. */
  readonly log?: (message: string) => void;
}

/** A fresh registry holding every built-in filter, plus `extra`. Throws on a duplicate name. */
export function builtinFilters(extra: Iterable<FilterSpec> = [], deps: FilterDeps = {}): Registry<FilterSpec> {
  return new Registry<FilterSpec>('filter', [
    ...headerFilters(),
    ...pathFilters(),
    ...contentFilters(),
    ...cookieFilters(),
    ...diagnosticsFilters(),
    ...shadowFilters({ clients: deps.clients ?? new HttpClients() }),
    ...backendFilters(),
    ...lbFilters(),
    ...timeoutFilters(),
    ...circuitFilters,
    ...sheddingFilters(deps.shedding ?? new SheddingRegistry(), deps.log),
    ...extra,
  ]);
}
