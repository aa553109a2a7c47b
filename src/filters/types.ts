/**
 * The filter contract as filter families import it. It is declared in routing (src/routing/filter-contract.ts),
 * which compiles routes from specs and must not import the filters themselves; the proxy implements FilterContext.
 */
export type {
  FilterContext, FilterInstance, FilterRequest, FilterResponse, FilterSpec, OriginalRequest, RequestSettings, RouteLbSettings, ShadowRequest,
} from '../routing/filter-contract.ts';
export type { HeaderBag } from '../net/index.ts';
