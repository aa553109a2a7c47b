/**
 * Route ids, host regexps and host catch-all routes of RouteGroups, as Skipper builds them; route ids
 * are part of the contract (other routes, metrics and dashboards refer to them).
 */
import type { RouteDef } from '../../../eskip/index.ts';
import { createHostRx } from './hosts.ts';

const nonSymbol = /[^A-Za-z0-9_]/g;
const nonSymbolRune = /[^A-Za-z0-9_]/gu;
const nonAscii = /[^\x00-\x7f]/;

/** Replaces every byte that is not `[A-Za-z0-9_]` with `_` (Skipper's toSymbol works on UTF-8 bytes). */
export function toSymbol(s: string): string {
  if (!nonAscii.test(s)) return s.replace(nonSymbol, '_');
  // One underscore per UTF-8 byte of a non-ASCII character, as Go's byte loop gives.
  return s.replace(nonSymbolRune, (c) => '_'.repeat(Buffer.byteLength(c, 'utf8')));
}

/** `kube_rg__<ns>__<name>__<sub>__<i>_<j>`; internal (east-west range) routes get `internal_` before ns. */
export function rgRouteId(namespace: string, name: string, sub: string, i: number, j: number, internal: boolean): string {
  return `kube_rg__${internal ? `internal_${namespace}` : namespace}__${name}__${sub}__${i}_${j}`;
}

/**
 * Shunt routes for the hosts whose every route has a predicate besides Host, so that a request to such a
 * host that matches none of them gets Skipper's 404 from this RouteGroup instead of falling through to a
 * route of another host group. `hostRoutes` maps each host to the routes generated for it.
 */
export function hostCatchAllRoutes(hostRoutes: ReadonlyMap<string, readonly RouteDef[]>, internal: boolean): RouteDef[] {
  const out: RouteDef[] = [];
  for (const [host, routes] of hostRoutes) {
    const hasHostOnly = routes.some((r) => r.predicates.every((p) => p.name === 'Host'));
    if (hasHostOnly) continue;
    out.push({
      // "catchall" never collides with a method name in the id
      id: rgRouteId('', toSymbol(host), 'catchall', 0, 0, internal),
      predicates: [{ name: 'Host', args: [createHostRx(host)] }],
      filters: [],
      backendType: 'shunt',
    });
  }
  return out;
}

/**
 * Splits hosts into those under an east-west range domain (internal) and the rest. Mirrors Skipper, which
 * loops over domains per host: with several domains a host can land in both lists, and more than once.
 */
export function splitHosts(hosts: readonly string[], domains: readonly string[]): { internal: string[]; external: string[] } {
  const internal: string[] = [];
  const external: string[] = [];
  for (const h of hosts) {
    for (const d of domains) {
      if (h.endsWith(d)) internal.push(h);
      else external.push(h);
    }
  }
  return { internal, external };
}
