/**
 * Route equality as Skipper's eskip.EqLists defines it: ids byte-equal; predicates compared as a multiset
 * sorted by name (stable, so same-name predicates keep their order); filters in order; arguments with strict
 * type and value equality; backends by type, network URL exactly, LB algorithm and endpoints sorted by address.
 */
import type { Arg, LBEndpoint, PredicateCall, RouteDef } from './ast.ts';

/** The canonical form of a route: predicates stably sorted by name, LB endpoints sorted by address. */
export function canonical(r: RouteDef): RouteDef {
  const c: RouteDef = {
    id: r.id,
    predicates: [...r.predicates].filter((p) => p.name !== '*' && p.name !== 'Any').sort((a, b) => cmp(a.name, b.name)),
    filters: r.filters,
    backendType: r.backendType,
  };
  if (r.backendType === 'network') c.backend = r.backend ?? '';
  if (r.backendType === 'lb') {
    c.lbAlgorithm = r.lbAlgorithm ?? '';
    c.lbEndpoints = [...(r.lbEndpoints ?? [])].sort((a, b) => cmp(a.address, b.address));
  }
  return c;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function eqArgs(a: readonly Arg[], b: readonly Arg[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function eqCalls(a: readonly PredicateCall[], b: readonly PredicateCall[]): boolean {
  return a.length === b.length && a.every((x, i) => x.name === b[i]!.name && eqArgs(x.args, b[i]!.args));
}

function eqEndpoints(a: readonly LBEndpoint[], b: readonly LBEndpoint[]): boolean {
  return a.length === b.length && a.every((x, i) => x.address === b[i]!.address && (x.zone ?? '') === (b[i]!.zone ?? ''));
}

/** Why two routes differ, or null when they are equal. */
export function routeDiff(a: RouteDef, b: RouteDef): string | null {
  const x = canonical(a);
  const y = canonical(b);
  if (x.id !== y.id) return `id ${JSON.stringify(x.id)} != ${JSON.stringify(y.id)}`;
  if (!eqCalls(x.predicates, y.predicates)) return 'predicates differ';
  if (!eqCalls(x.filters, y.filters)) return 'filters differ';
  if (x.backendType !== y.backendType) return `backend type ${x.backendType} != ${y.backendType}`;
  if (x.backendType === 'network' && x.backend !== y.backend) return `backend ${JSON.stringify(x.backend)} != ${JSON.stringify(y.backend)}`;
  if (x.backendType === 'lb') {
    if (x.lbAlgorithm !== y.lbAlgorithm) return `LB algorithm ${JSON.stringify(x.lbAlgorithm)} != ${JSON.stringify(y.lbAlgorithm)}`;
    if (!eqEndpoints(x.lbEndpoints!, y.lbEndpoints!)) return 'LB endpoints differ';
  }
  return null;
}

/** Whether two routes are equal by Skipper's rules. */
export function eqRoute(a: RouteDef, b: RouteDef): boolean {
  return routeDiff(a, b) === null;
}

function duplicateId(routes: readonly RouteDef[]): string | null {
  const seen = new Set<string>();
  for (const r of routes) {
    if (seen.has(r.id)) return r.id;
    seen.add(r.id);
  }
  return null;
}

/**
 * The differences between two route lists, one line each; empty when equal. A list with a duplicate id is
 * never equal to anything (as in Skipper).
 */
export function diffLists(actual: readonly RouteDef[], expected: readonly RouteDef[]): string[] {
  const out: string[] = [];
  const da = duplicateId(actual);
  const de = duplicateId(expected);
  if (da !== null) out.push(`duplicate route id ${JSON.stringify(da)} in the first list`);
  if (de !== null) out.push(`duplicate route id ${JSON.stringify(de)} in the second list`);
  if (out.length > 0) return out;
  const byId = new Map(expected.map((r) => [r.id, r]));
  const ids = new Set(actual.map((r) => r.id));
  for (const r of [...actual].sort((a, b) => cmp(a.id, b.id))) {
    const e = byId.get(r.id);
    if (e === undefined) out.push(`- only in the first: ${r.id}`);
    else {
      const d = routeDiff(r, e);
      if (d !== null) out.push(`~ ${r.id}: ${d}`);
    }
  }
  for (const r of expected) if (!ids.has(r.id)) out.push(`+ only in the second: ${r.id}`);
  return out;
}

/**
 * Skipper's eskip.EqLists: diffLists(a, b) is empty. One pass over each list with a map by id, no sorting
 * (diffLists sorts only to print its lines in order): linear in the routes.
 */
export function eqLists(a: readonly RouteDef[], b: readonly RouteDef[]): boolean {
  // Unique ids on both sides and every id of `a` in `b` with an equal route: then `b` has no others.
  if (a.length !== b.length) return false;
  const byId = new Map<string, RouteDef>();
  for (const r of b) {
    if (byId.has(r.id)) return false;
    byId.set(r.id, r);
  }
  const seen = new Set<string>();
  for (const r of a) {
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    const e = byId.get(r.id);
    if (e === undefined || routeDiff(r, e) !== null) return false;
  }
  return true;
}
