/**
 * The load-and-convert step shared by the live source, the route server, kube-render and the conformance
 * runner, so that all of them produce routes through the same listing and conversion code.
 */
import type { KubeApi } from './api.ts';
import { ClusterWatcher } from './client.ts';
import { convertClusterState } from './convert/index.ts';
import type { ClusterState, ConversionResult, KubeLogger } from './convert/index.ts';
import type { KubeOptions } from './options.ts';

export type ConvertFn = (state: ClusterState, opts: KubeOptions, log: KubeLogger) => ConversionResult;

/** Converts a state (the conversion itself reduces duplicate ids to the first, as Skipper's LoadAll). */
export function convertState(state: ClusterState, opts: KubeOptions, log: KubeLogger, convert: ConvertFn): ConversionResult {
  return convert(state, opts, log);
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
