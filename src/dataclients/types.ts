/**
 * A route source (Skipper's data client): routes file, inline routes, remote eskip URLs, Kubernetes.
 * Each source pushes its complete current route list; the route updater merges the sources, coalesces
 * bursts (latest wins), compiles and swaps the table.
 */
import type { RouteDef } from '../eskip/index.ts';

export interface RouteSourceUpdate {
  /** The full current list of this source's routes. */
  routes: RouteDef[];
  /** Routes the source could not parse or convert, each with a reason naming the culprit. */
  errors?: { id?: string; message: string }[];
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
