/**
 * Whether a route definition is unchanged since the previous table generation, so that its compiled route
 * (matchers, filter instances, load balancer, backend URL) can be kept.
 *
 * The check is exact structural equality over every field of the definition — id, predicates, filters,
 * backend, LB endpoints with their zones, Kubernetes origin and source position — rather than eskip
 * route equality (which ignores order of predicates and positions): a kept route then carries a
 * definition indistinguishable from the new one, so /routes, logs and error positions stay exact. It is
 * generic over plain data, so a field added to RouteDef later is compared without touching this file.
 * Cost: a walk over a few short arrays, far below compiling the route (see docs/performance-routing.md).
 */
import type { RouteDef } from '../eskip/ast.ts';

/** True when `a` and `b` have the same fields with equal values, recursively (plain data only). */
export function sameRouteDef(a: RouteDef, b: RouteDef): boolean {
  return a === b || equalData(a, b);
}

function equalData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN never occurs in route definitions as a meaningful value, but equal NaNs compile equally.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k)) continue;
    if (!Object.hasOwn(y, k) || !equalData(x[k], y[k])) return false;
    keys++;
  }
  for (const k in y) if (Object.hasOwn(y, k)) keys--;
  return keys === 0;
}
