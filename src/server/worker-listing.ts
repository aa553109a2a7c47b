/**
 * The valid routes of a generation the primary of `-workers N` did not compile: its definitions less the
 * invalid ones a worker reported. Which definitions those are follows from how a compile treats ids
 * (src/routing/reconcile.ts): the first definition of an id is compiled and every later one is a duplicate
 * (`duplicate_route_id`); so an id reported with another reason is invalid everywhere it occurs, and an id
 * reported only as a duplicate keeps its first definition.
 */
import type { RouteDef } from '../eskip/index.ts';
import type { InvalidRoute } from '../routing/types.ts';

/** `defs` without the definitions `invalid` names; `defs` itself when nothing is invalid. */
export function validDefinitions(defs: readonly RouteDef[], invalid: readonly InvalidRoute[]): readonly RouteDef[] {
  if (invalid.length === 0) return defs;
  // true: every definition of the id is invalid; false: all but the first.
  const everywhere = new Map<string, boolean>();
  for (const inv of invalid) everywhere.set(inv.id, (everywhere.get(inv.id) ?? false) || inv.reason !== 'duplicate_route_id');
  const seen = new Set<string>();
  const out: RouteDef[] = [];
  for (const def of defs) {
    const all = everywhere.get(def.id);
    if (all === undefined) out.push(def);
    else if (!all && !seen.has(def.id)) {
      seen.add(def.id);
      out.push(def);
    }
  }
  return out;
}
