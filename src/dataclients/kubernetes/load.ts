/**
 * One conversion step shared by the live source, the route server, kube-render and the conformance runner:
 * convert a cluster state, then reduce duplicate route ids to the first (Skipper's LoadAll), logging when the
 * duplicates differ.
 */
import type { RouteDef } from '../../eskip/ast.ts';
import { eqRoute } from '../../eskip/index.ts';
import type { KubeApi } from './api.ts';
import { ClusterWatcher } from './client.ts';
import { convertClusterState } from './convert/index.ts';
import type { ClusterState, ConversionResult, KubeLogger } from './convert/types.ts';
import type { KubeOptions } from './options.ts';

export type ConvertFn = (state: ClusterState, opts: KubeOptions, log: KubeLogger) => ConversionResult;

/** Keeps the first route of each id. */
export function dedupeRoutes(routes: RouteDef[], log: KubeLogger): RouteDef[] {
  const seen = new Map<string, RouteDef>();
  const out: RouteDef[] = [];
  for (const r of routes) {
    const first = seen.get(r.id);
    if (first === undefined) {
      seen.set(r.id, r);
      out.push(r);
    } else if (!eqRoute(first, r)) {
      log({ level: 'error', msg: `duplicate route id ${r.id} with a different definition; keeping the first`, kind: 'Route', name: r.id });
    }
  }
  return out.length === routes.length ? routes : out;
}

/** Converts a state and deduplicates the route ids. */
export function convertState(state: ClusterState, opts: KubeOptions, log: KubeLogger, convert: ConvertFn): ConversionResult {
  const r = convert(state, opts, log);
  return { routes: dedupeRoutes(r.routes, log), certificates: r.certificates };
}

/** Loads the cluster state once through the API (the live client's listing) and converts it. */
export async function loadAndConvert(api: KubeApi, opts: KubeOptions, log: KubeLogger, convert: ConvertFn): Promise<ConversionResult> {
  const watcher = new ClusterWatcher({ api, options: opts, log });
  await watcher.load(false);
  return convertState(watcher.snapshot(), opts, log, convert);
}

/** The conversion (asynchronous so that callers may swap in a lazily loaded one). */
export async function loadConvert(): Promise<ConvertFn> {
  return convertClusterState;
}
