/**
 * Whether a route definition is unchanged since the previous table generation, so that its compiled route
 * (matchers, filter instances, load balancer, backend URL) can be kept.
 *
 * The check is exact equality of every field of RouteDef — id, predicates and filters in order with their
 * arguments, backend, LB algorithm and endpoints with their zones, Kubernetes origin and source position —
 * rather than eskip route equality (which sorts predicates and ignores positions): a kept route then
 * carries a definition indistinguishable from the new one, so /routes, logs and error positions stay
 * exact. An absent field and one set to `undefined` count as equal. The fields are spelled out, not walked
 * generically, because a generic walk (for…in over every object) cost more than half of an incremental
 * compile when every definition arrives as a new object; test/routing/route-equality.test.ts fails when
 * src/eskip/ast.ts gains a field this file does not compare.
 */
import type { Arg, FilterCall, LBEndpoint, PredicateCall, RouteDef, SourcePos } from '../eskip/index.ts';

/** The fields compared, per type; the test checks them against src/eskip/ast.ts. */
export const comparedFields = {
  RouteDef: ['id', 'predicates', 'filters', 'backendType', 'backend', 'lbAlgorithm', 'lbEndpoints', 'kind', 'namespace', 'name', 'pos'],
  PredicateCall: ['name', 'args'],
  FilterCall: ['name', 'args'],
  LBEndpoint: ['address', 'zone'],
  SourcePos: ['file', 'line', 'col'],
} as const;

/** True when `a` and `b` define the same route in every field. */
export function sameRouteDef(a: RouteDef, b: RouteDef): boolean {
  return a === b || (
    a.id === b.id && a.backendType === b.backendType && a.backend === b.backend && a.lbAlgorithm === b.lbAlgorithm
    && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && samePos(a.pos, b.pos)
    && sameCalls(a.predicates, b.predicates) && sameCalls(a.filters, b.filters) && sameEndpoints(a.lbEndpoints, b.lbEndpoints)
  );
}

function sameCalls(a: readonly (PredicateCall | FilterCall)[], b: readonly (PredicateCall | FilterCall)[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.name !== y.name || !sameArgs(x.args, y.args))) return false;
  }
  return true;
}

function sameArgs(a: readonly Arg[], b: readonly Arg[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  // Object.is: -0 and 0 print differently, and NaN equals itself.
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameEndpoints(a: readonly LBEndpoint[] | undefined, b: readonly LBEndpoint[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && (x.address !== y.address || x.zone !== y.zone)) return false;
  }
  return true;
}

function samePos(a: SourcePos | undefined, b: SourcePos | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.line === b.line && a.col === b.col && a.file === b.file);
}
