/** Shadow traffic: tee and teenf send a copy elsewhere, teeLoopback through routing again. */
import type { HttpClients } from '../../net/index.ts';
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { teeLoopback } from './tee-loopback.ts';
import { teeSpecs } from './tee.ts';

/** What the shadow family needs: the process's outgoing HTTP clients. */
export interface ShadowDeps {
  readonly clients: HttpClients;
}

export function shadowFilters(deps: ShadowDeps): FilterSpec[] {
  return [...teeSpecs(deps.clients), teeLoopback];
}
