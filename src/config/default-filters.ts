/**
 * Start-up check of `-default-filters-prepend` / `-default-filters-append`: every filter they name must be
 * creatable with its arguments. The updater puts these filters into every route, so one that cannot be
 * created would otherwise invalidate every route (the health-check route included) with one warning per
 * route and no start-up error; failing fast names the flag instead.
 */
import { parseFilters } from '../eskip/index.ts';
import type { Arg, FilterCall } from '../eskip/index.ts';
import type { FilterSpec } from '../filters/types.ts';
import type { Registry } from '../registry.ts';
import { closeFilters } from '../routing/route-filters.ts';
import { ConfigError } from './errors.ts';
import type { Config } from './table.ts';

type DefaultFilterFlags = Pick<Config, 'defaultFiltersPrepend' | 'defaultFiltersAppend' | 'disabledFilters'>;

/** Whether either flag names any filter; without one there is nothing to check (nor a registry to load). */
export function hasDefaultFilters(c: DefaultFilterFlags): boolean {
  return c.defaultFiltersPrepend.trim() !== '' || c.defaultFiltersAppend.trim() !== '';
}

/** Throws ConfigError naming the flag and the first filter of it that cannot be created. */
export function checkDefaultFilters(c: DefaultFilterFlags, filters: Registry<FilterSpec>): void {
  const disabled = new Set(c.disabledFilters);
  for (const [flag, text] of [['default-filters-prepend', c.defaultFiltersPrepend], ['default-filters-append', c.defaultFiltersAppend]] as const) {
    if (text.trim() === '') continue;
    // Syntax was checked by validateConfig; a parse error here still names the flag.
    let calls: FilterCall[];
    try {
      calls = parseFilters(text);
    } catch (err) {
      throw new ConfigError(`invalid value "${text}" for flag -${flag}: ${(err as Error).message}`);
    }
    for (const call of calls) {
      const why = problem(call, filters, disabled);
      if (why !== null) throw new ConfigError(`invalid value "${text}" for flag -${flag}: ${why}`);
    }
  }
}

function problem(call: FilterCall, filters: Registry<FilterSpec>, disabled: ReadonlySet<string>): string | null {
  if (disabled.has(call.name)) return `filter "${call.name}" is disabled by -disabled-filters`;
  const spec = filters.get(call.name);
  if (spec === undefined) return `filter "${call.name}" not found`;
  return creationError(spec, call.args);
}

/** Creates one instance and releases it again; the reason it cannot be created, or null. */
function creationError(spec: FilterSpec, args: Arg[]): string | null {
  try {
    closeFilters([spec.create(args)]);
    return null;
  } catch (err) {
    return `failed to create filter "${spec.name}": ${err instanceof Error ? err.message : String(err)}`;
  }
}
