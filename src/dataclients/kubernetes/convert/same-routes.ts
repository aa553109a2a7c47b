/** Whether a reconverted piece of the route list equals the one it replaces, so the old one can stay. */
import type { RouteDef } from '../../../eskip/index.ts';
import { sameRouteDef } from '../../../routing/route-equality.ts';

/**
 * True when both lists hold equal definitions in the same order (every field, as the route table's
 * incremental compile compares them). Keeping the old list then keeps the route list the same array, so the
 * source pushes nothing and no table is compiled for a change no route sees.
 */
export function sameRoutes(a: readonly RouteDef[], b: readonly RouteDef[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameRouteDef(a[i]!, b[i]!)) return false;
  return true;
}
