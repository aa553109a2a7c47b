/**
 * The Kubernetes route source (`-kubernetes`): a ClusterWatcher keeps the cluster state current, bursts of
 * watch events are coalesced (latest wins), and each settled state is converted and pushed as the full route
 * list with how it differs from the previous one; a state that changed no route is not pushed. While the API
 * is away the reflectors keep their objects, so the last good routes keep serving.
 */
import type { RouteDef } from '../../eskip/index.ts';
import type { RouteSource, RouteSourceUpdate } from '../types.ts';
import { KubeApi, kubeConfigFromOptions } from './api.ts';
import { ClusterWatcher } from './client.ts';
import type { ClusterState, ConversionResult, KubeLogger, TLSCertificate } from './convert/index.ts';
import { createIncrementalConverter } from './convert/index.ts';
import { convertState, type ConvertFn } from './load.ts';
import { stderrKubeLogger } from './log.ts';
import type { KubeOptions } from './options.ts';
import type { Backoff } from './reflector.ts';

export interface KubeSourceDeps {
  /** The API client; built from the options (URL, in-cluster, token file) when absent. */
  api?: KubeApi;
  /** The conversion; an incremental converter (same result as convertClusterState) when absent. */
  convert?: ConvertFn;
  /** Conversion and cluster log lines; logrus lines on stderr when absent. */
  log?: KubeLogger;
  /**
   * Extra wait after the first event of a burst before converting. Default 0: events already queued are
   * coalesced anyway, and conversions are spaced by their own duration so at most half the time converts.
   */
  coalesceMs?: number;
  backoff?: Backoff;
  /** Called with the certificates of every conversion whose TLS sections changed (for SNI). */
  onCertificates?: (certs: TLSCertificate[]) => void;
  /**
   * Called after every conversion: its wall time and, by kind, how many objects the conversion rejected
   * (objects with an error-level log line), for a metric such as skipjack_kubernetes_invalid_objects{kind}.
   */
  onConverted?: (info: { routes: number; ms: number; invalidObjects: Record<string, number> }) => void;
  /** Called with every cluster state converted (the Redis shard list follows a Service's endpoints from it). */
  onState?: (state: ClusterState) => void;
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
  const coalesceMs = deps.coalesceMs ?? 0;
  // The watch layer replaces changed objects (never mutates them), which the incremental converter relies on.
  const convert = deps.convert ?? createIncrementalConverter();
  let onUpdate: ((u: RouteSourceUpdate) => void) | undefined;
  let onError: ((err: Error) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastEnd = 0;
  let lastDuration = 0;
  let certs: TLSCertificate[] = [];
  let certKey = '';
  let lastState: ClusterState | undefined;
  /** The list last handed to the updater. */
  let pushed: RouteDef[] | undefined;
  let stopped = false;

  const watcher = new ClusterWatcher({
    api,
    options: opts,
    log,
    backoff: deps.backoff,
    onChange: () => {
      // One pending conversion at a time, of the newest state when it runs (latest wins). It starts no earlier
      // than one conversion time after the previous ended, so a stream of events cannot keep the CPU busy.
      if (onUpdate === undefined || stopped || timer !== undefined) return;
      const spacing = Math.max(0, lastEnd + lastDuration - performance.now());
      timer = setTimeout(publish, Math.max(coalesceMs, spacing));
    },
    onError: (err) => onError?.(err),
  });

  function convertNow(): ConversionResult {
    const state = watcher.snapshot();
    const invalid = new Set<string>();
    const counting: KubeLogger = (e) => {
      if (e.level === 'error' && e.kind !== undefined) invalid.add(`${e.kind}\u0000${e.ns ?? ''}/${e.name ?? ''}`);
      log(e);
    };
    const t0 = performance.now();
    const result = convertState(state, opts, counting, convert);
    const invalidObjects: Record<string, number> = {};
    for (const k of invalid) {
      const kind = k.slice(0, k.indexOf('\u0000'));
      invalidObjects[kind] = (invalidObjects[kind] ?? 0) + 1;
    }
    deps.onConverted?.({ routes: result.routes.length, ms: performance.now() - t0, invalidObjects });
    lastState = state;
    deps.onState?.(state);
    // The converter keeps the certificate objects of unconverted objects: the same objects in the same order
    // are the same certificates, without joining every PEM of the cluster into one key per change.
    const same = result.certificates.length === certs.length && result.certificates.every((c, i) => c === certs[i]);
    if (!same) {
      const key = result.certificates.map((c) => `${c.secretNamespace}/${c.secretName}:${c.hosts.join(',')}:${c.cert}:${c.key}`).join('|');
      certs = result.certificates;
      if (key !== certKey) {
        certKey = key;
        deps.onCertificates?.(certs);
      }
    }
    return result;
  }

  function publish(): void {
    timer = undefined;
    if (stopped) return;
    let result: ConversionResult;
    const t0 = performance.now();
    try {
      result = convertNow();
      lastEnd = performance.now();
      lastDuration = lastEnd - t0;
    } catch (err) {
      // A conversion bug must not drop the routes already serving.
      onError?.(new Error(`kubernetes: conversion failed, keeping the last routes: ${(err as Error).message}`));
      return;
    }
    // The converter returns its previous list itself when no route changed (an Endpoints object no route uses,
    // an Ingress of another class, a status update): pushing it would recompile the whole table for nothing.
    const { routes, change } = result;
    if (routes === pushed) return;
    // The change is relative to the converter's previous result: not the list pushed after a failed conversion.
    const known = change !== undefined && change.from === pushed;
    pushed = routes;
    onUpdate?.(known ? { routes, change } : { routes });
  }

  return {
    name: 'kubernetes',
    watcher,
    certificates: () => certs,
    state: () => lastState,
    async start(update, error) {
      await watcher.load(true);
      onError = error;
      pushed = convertNow().routes;
      update({ routes: pushed });
      onUpdate = update;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      watcher.stop();
    },
  };
}
