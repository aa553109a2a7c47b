/**
 * A route source (Skipper's data client): routes file, inline routes, remote eskip URLs, Kubernetes.
 * Each source pushes its complete current route list; the route updater merges the sources, coalesces
 * bursts (latest wins), compiles and swaps the table.
 */
import type { RouteDef } from '../eskip/index.ts';
import type { Splice } from '../lifecycle/index.ts';

export interface RouteSourceUpdate {
  /** The full current list of this source's routes. */
  routes: RouteDef[];
  /** Routes the source could not parse or convert, each with a reason naming the culprit. */
  errors?: { id?: string; message: string }[];
  /**
   * Optional: how `routes` differs from the list `change.from` (by identity, the source's previous update), when
   * the source knows without comparing the lists (Kubernetes). Consumers may ignore it. A source that gives it
   * never changes `routes` or `from` afterwards, so consumers may keep the list without copying it.
   */
  change?: RouteListChange;
}

/**
 * `routes` as splices of `from`: each hunk replaces `remove` definitions at position `at` of `from` with the
 * next `insert` definitions of `inserted`; every other definition is the same object, in the same order.
 * The shape of src/server/route-delta.ts' Delta (splices as lifecycle/list-steps.ts' splicesOf finds them), so
 * it can be sent to workers without diffing the lists.
 */
export interface RouteListChange {
  readonly from: readonly RouteDef[];
  readonly hunks: readonly Splice[];
  readonly inserted: readonly RouteDef[];
}

export interface RouteSource {
  /** Short name for logs and metrics: "file:/etc/routes.eskip", "kubernetes", … */
  readonly name: string;
  /**
   * Starts delivering updates. Resolves after the first complete list was delivered, or rejects when the
   * first load fails (start-up then fails with that error). Later failures keep the last good list and are
   * reported through onError.
   */
  start(onUpdate: (u: RouteSourceUpdate) => void, onError: (err: Error) => void): Promise<void>;
  stop(): Promise<void>;
}
