/** Skipper's handling of duplicate route ids across all Kubernetes routes. */
import type { RouteDef } from '../../../eskip/index.ts';
import { printRoute } from '../../../eskip/index.ts';
import type { KubeLogger } from './types.ts';

/**
 * Keeps the first route of each id; a later route with the same id but a different definition is logged
 * as Skipper does ("Ignoring route with the same id …").
 */
export function dedupeRoutes(routes: readonly RouteDef[], log: KubeLogger): RouteDef[] {
  const byId = new Map<string, RouteDef>();
  const out: RouteDef[] = [];
  for (const r of routes) {
    const existing = byId.get(r.id);
    if (existing === undefined) {
      byId.set(r.id, r);
      out.push(r);
      continue;
    }
    const a = printRoute(existing);
    const b = printRoute(r);
    if (a !== b) log({ level: 'error', msg: `Ignoring route with the same id ${r.id}, existing: ${a}, ignored: ${b}` });
  }
  return out;
}
