/**
 * The one flag table: every flag skipjack knows, with its kind, default and help. It drives argument
 * parsing, the config file, validation and docs/reference/flags.md, and the Config type is derived from it.
 */
import type { FlagDef, FlagValue } from './flag-types.ts';
import { coreFlags } from './flags-core.ts';
import { kubernetesFlags } from './flags-kubernetes.ts';
import { swarmFlags } from './flags-swarm.ts';
import { compatFlags } from './flags-compat.ts';
import { webhookFlags } from './flags-webhook.ts';
import { metricsFlags } from './flags-metrics.ts';

/** Flag groups in the order the docs list them. */
export const flagGroups = [
  { title: 'Core', flags: coreFlags },
  { title: 'Kubernetes', flags: kubernetesFlags },
  { title: 'Swarm, rate limits and circuit breakers', flags: swarmFlags },
  { title: 'Metrics', flags: metricsFlags },
  { title: 'Validation webhook', flags: webhookFlags },
  { title: 'Skipper flags accepted without effect', flags: compatFlags },
] as const;

export const flagTable = { ...coreFlags, ...kubernetesFlags, ...swarmFlags, ...metricsFlags, ...webhookFlags, ...compatFlags };

export type ConfigKey = keyof typeof flagTable;

/** The typed configuration: one field per flag, named by the camelCase of the flag. Durations in ms. */
export type Config = { -readonly [K in ConfigKey]: FlagValue<(typeof flagTable)[K]> };

/** Flag name (without dashes) → config key. */
export const flagsByName: ReadonlyMap<string, { key: ConfigKey; def: FlagDef<unknown> }> = new Map(
  (Object.entries(flagTable) as [ConfigKey, FlagDef<unknown>][]).map(([key, def]) => [def.name, { key, def }]),
);

/** A Config holding every default. */
export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(flagTable) as [string, FlagDef<unknown>][]) out[key] = structuredClone(def.default);
  return out as Config;
}
