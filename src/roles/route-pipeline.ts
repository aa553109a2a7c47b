/**
 * The route pre-processors, listed once for skipjack and skipjack-routesrv: default filters, then every
 * -clone-route, then every -edit-route (Skipper's order). A new pre-processor (fail-closed rate limits,
 * breaker defaults) is one more entry here, or comes in as `extra` (skipjack's rate-limit defaults, which the
 * route server does not place); it returns null when it has nothing to do.
 */
import type { Config } from '../config/table.ts';
import { parseFilters } from '../eskip/index.ts';
import { defaultFiltersPreprocessor } from '../routing/default-filters.ts';
import type { RoutePreprocessor } from '../routing/pipeline.ts';
import { changeErrorMessage, parseRouteChange, routeChangesPreprocessor } from '../routing/route-changes.ts';

/** The flags the pre-processors read. */
export type PreprocessorConfig = Pick<Config, 'cloneRoute' | 'editRoute' | 'defaultFiltersPrepend' | 'defaultFiltersAppend'>;

export function routePreprocessors(c: PreprocessorConfig, onError: (message: string) => void, extra: readonly RoutePreprocessor[] = []): RoutePreprocessor[] {
  return [
    defaultFiltersPreprocessor({ prepend: parseFilters(c.defaultFiltersPrepend), append: parseFilters(c.defaultFiltersAppend) }),
    routeChangesPreprocessor({
      clone: c.cloneRoute.map(parseRouteChange),
      edit: c.editRoute.map(parseRouteChange),
      onError: (...a) => onError(changeErrorMessage(...a)),
    }),
    ...extra,
  ].filter((p): p is RoutePreprocessor => p !== null);
}
