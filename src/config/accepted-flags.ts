/**
 * Flags that parse but do nothing (status `accepted` in the flag table) are there so Skipper's pod args keep
 * working; a user who sets one still expects its effect, so start-up says, once per flag, that there is none.
 * Driven by the status field alone: a flag stops warning the moment its row says `implemented`.
 */
import type { FlagDef } from './flag-types.ts';
import { flagTable, type ConfigKey } from './table.ts';

/** One warning per flag the user set (in flag-table order) whose status is `accepted`. */
export function acceptedFlagWarnings(explicit: ReadonlySet<ConfigKey>): string[] {
  const out: string[] = [];
  for (const [key, def] of Object.entries(flagTable) as [ConfigKey, FlagDef<unknown>][]) {
    if (def.status !== 'accepted' || !explicit.has(key)) continue;
    out.push(`flag -${def.name} is accepted for compatibility with Skipper but has no effect in skipjack (${def.help})`);
  }
  return out;
}
