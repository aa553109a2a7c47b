/** The load-shedding filters (Skipper's scheduler and shedder families) over one process's registry. */
import type { FilterSpec } from '../types.ts';
import { admissionControlSpec } from './admission-control.ts';
import { queueFilters } from './queue-filters.ts';
import { SheddingRegistry } from './shedding-registry.ts';

export { SheddingRegistry, type SheddingObserver } from './shedding-registry.ts';

/** fifo…, lifo…, admissionControl; `log` receives admissionControl's logInactive lines. */
export function sheddingFilters(registry: SheddingRegistry, log: (m: string) => void = () => {}): FilterSpec[] {
  return [...queueFilters(registry), admissionControlSpec(registry, log)];
}
