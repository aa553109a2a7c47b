/**
 * ratelimitFailClosed(): the route's rate limits refuse instead of admitting when their shared state cannot
 * be reached (Skipper's FailClosedPostProcessor). It applies to the whole route wherever it is written:
 * {@link hoistFailClosed} moves it to the front of the route's filters, so its request hook marks the
 * request before any rate-limit filter or backend guard reads the mark.
 */
import type { RouteDef } from '../../eskip/index.ts';
import type { FilterContext, FilterSpec } from '../types.ts';
import { argRange } from './args.ts';

export const FAIL_CLOSED_NAME = 'ratelimitFailClosed';

/** State-bag key: true when the route fails closed. */
export const FAIL_CLOSED_KEY = 'skj:ratelimit:fail-closed';

export const ratelimitFailClosed: FilterSpec = {
  name: FAIL_CLOSED_NAME,
  create(args) {
    argRange(FAIL_CLOSED_NAME, args, 0, 0);
    return {
      name: FAIL_CLOSED_NAME,
      request(ctx: FilterContext): void {
        ctx.stateBag.set(FAIL_CLOSED_KEY, true);
      },
    };
  },
};

// Per definition object, so an update that keeps a definition keeps its (hoisted) object and the
// incremental compiler keeps its compiled route.
const hoisted = new WeakMap<RouteDef, RouteDef>();

/** The definitions with every ratelimitFailClosed() moved first; definitions without one are returned as they are. */
export function hoistFailClosed(defs: readonly RouteDef[]): RouteDef[] {
  return defs.map((def) => {
    const i = def.filters.findIndex((f) => f.name === FAIL_CLOSED_NAME);
    if (i <= 0) return def;
    let h = hoisted.get(def);
    if (h === undefined) {
      const fc = def.filters.filter((f) => f.name === FAIL_CLOSED_NAME);
      h = { ...def, filters: [...fc, ...def.filters.filter((f) => f.name !== FAIL_CLOSED_NAME)] };
      hoisted.set(def, h);
    }
    return h;
  });
}
