/**
 * The Kubernetes route source (`-kubernetes`): a ClusterWatcher keeps the cluster state current, bursts of
 * watch events are coalesced (latest wins), and each settled state is converted and pushed as the full route
 * list. While the API is away the reflectors keep their objects, so the last good routes keep serving.
 */
import type { RouteDef } from '../../eskip/ast.ts';
import type { RouteSource, RouteSourceUpdate } from '../types.ts';
import { KubeApi, kubeConfigFromOptions } from './api.ts';
import { ClusterWatcher } from './client.ts';
import type { ClusterState, KubeLogger, TLSCertificate } from './convert/types.ts';
import { convertState, loadConvert, type ConvertFn } from './load.ts';
import { stderrKubeLogger } from './log.ts';
import type { KubeOptions } from './options.ts';
import type { Backoff } from './reflector.ts';

export interface KubeSourceDeps {
  /** The API client; built from the options (URL, in-cluster, token file) when absent. */
  api?: KubeApi;
  /** The conversion; convertClusterState from ./convert when absent. */
  convert?: ConvertFn;
  /** Conversion and cluster log lines; logrus lines on stderr when absent. */
  log?: KubeLogger;
  /** Quiet time after the last event before converting; bounds the update latency. Default 20 ms. */
  coalesceMs?: number;
  backoff?: Backoff;
  /** Called with the certificates of every conversion whose TLS sections changed (for SNI). */
  onCertificates?: (certs: TLSCertificate[]) => void;
  /** Called after every conversion with its wall time, for metrics and the benchmark. */
  onConverted?: (info: { routes: number; ms: number }) => void;
}

/** A RouteSource that also exposes the certificates for SNI and the cluster state it last converted. */
export interface KubernetesSource extends RouteSource {
  certificates(): TLSCertificate[];
  state(): ClusterState | undefined;
  readonly watcher: ClusterWatcher;
}

/** Creates the Kubernetes route source for options from flags (see kubeOptionsFromConfig). */
export function createKubernetesSource(opts: KubeOptions, deps: KubeSourceDeps = {}): KubernetesSource {
  const log = deps.log ?? stderrKubeLogger();
  const api = deps.api ?? new KubeApi(kubeConfigFromOptions(opts));
  const coalesceMs = deps.coalesceMs ?? 20;
  let convert = deps.convert;
  let onUpdate: ((u: RouteSourceUpdate) => void) | undefined;
  let onError: ((err: Error) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let certs: TLSCertificate[] = [];
  let certKey = '';
  let lastState: ClusterState | undefined;
  let stopped = false;

  const watcher = new ClusterWatcher({
    api,
    options: opts,
    log,
    backoff: deps.backoff,
    onChange: () => {
      // Trailing debounce: a burst of events ends in one conversion of the newest state.
      if (onUpdate === undefined || stopped) return;
      clearTimeout(timer);
      timer = setTimeout(publish, coalesceMs);
    },
    onError: (err) => onError?.(err),
  });

  function convertNow(): RouteDef[] {
    const state = watcher.snapshot();
    const t0 = performance.now();
    const result = convertState(state, opts, log, convert!);
    deps.onConverted?.({ routes: result.routes.length, ms: performance.now() - t0 });
    lastState = state;
    const key = result.certificates.map((c) => `${c.secretNamespace}/${c.secretName}:${c.hosts.join(',')}:${c.cert.length}`).join('|');
    certs = result.certificates;
    if (key !== certKey) {
      certKey = key;
      deps.onCertificates?.(certs);
    }
    return result.routes;
  }

  function publish(): void {
    timer = undefined;
    if (stopped) return;
    let routes: RouteDef[];
    try {
      routes = convertNow();
    } catch (err) {
      // A conversion bug must not drop the routes already serving.
      onError?.(new Error(`kubernetes: conversion failed, keeping the last routes: ${(err as Error).message}`));
      return;
    }
    onUpdate?.({ routes });
  }

  return {
    name: 'kubernetes',
    watcher,
    certificates: () => certs,
    state: () => lastState,
    async start(update, error) {
      convert ??= await loadConvert();
      await watcher.load(true);
      onError = error;
      update({ routes: convertNow() });
      onUpdate = update;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      watcher.stop();
    },
  };
}
