/** What reconciling a definition list with the previous generation gives (reconcile.ts, reconcile-window.ts). */
import type { RouteDef } from '../eskip/index.ts';
import type { RouteEntry } from './leaf.ts';
import type { InvalidRoute, Route } from './types.ts';

export interface Reconciled {
  /** The valid routes in definition order, with `seq` set to their positions. */
  readonly compiled: RouteEntry[];
  readonly routes: Route[];
  /** The definition objects as passed, by position in `compiled`. */
  readonly inputs: RouteDef[];
  /** Compiled afresh, in definition order. */
  readonly fresh: RouteEntry[];
  /** Routes of the previous generation not kept. */
  readonly removed: RouteEntry[];
  readonly invalid: InvalidRoute[];
  /** Whether the kept routes are in their previous relative order (patching the tree requires it). */
  readonly inOrder: boolean;
}
