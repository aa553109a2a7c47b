/**
 * The lookups and normalised options shared by the Ingress and RouteGroup conversions of one cluster state.
 * Built once per conversion by {@link createSharedContext}; everything in it is read-only afterwards except
 * the caches inside.
 */
import type { KubeOptions } from '../options.ts';
import { DefaultFilters } from './default-filters.ts';
import { EndpointIndex, groupSlices } from './endpoints.ts';
import { normalizeLBAlgorithm } from './lb-backend.ts';
import type { KubeService } from './services.ts';
import { readServiceCached } from './services.ts';
import type { ClusterState, KubeLogger, KubeObject } from './types.ts';

/** What a conversion looked up, by kind and `<namespace>/<name>`, so a cached result can be checked. */
export type DependencyKind = 'service' | 'endpoints' | 'default-filters' | 'secret';
export type DependencyTracker = (kind: DependencyKind, key: string) => void;

/** A map that reports every key looked up. */
class TrackingMap<V> extends Map<string, V> {
  private readonly kind: DependencyKind;
  private readonly track: DependencyTracker;
  constructor(kind: DependencyKind, track: DependencyTracker) {
    super();
    this.kind = kind;
    this.track = track;
  }
  override get(key: string): V | undefined {
    this.track(this.kind, key);
    return super.get(key);
  }
  override has(key: string): boolean {
    this.track(this.kind, key);
    return super.has(key);
  }
}

export interface SharedContext {
  readonly state: ClusterState;
  /** Options with Skipper's constructor defaults applied (redirect code, east-west domain, LB algorithm). */
  readonly opts: KubeOptions;
  readonly log: KubeLogger;
  /** Services with a spec, by `<namespace>/<name>`. */
  readonly services: ReadonlyMap<string, KubeService>;
  readonly endpoints: EndpointIndex;
  readonly defaultFilters: DefaultFilters;
  /** Secrets by `<namespace>/<name>`; empty unless `enableTLS`. */
  readonly secrets: ReadonlyMap<string, KubeObject>;
  /** Services (with or without spec) by `<namespace>/<name>`, as listed: the identity behind {@link services}. */
  readonly rawServices: ReadonlyMap<string, KubeObject>;
  /**
   * Patterns an ExternalName (or RouteGroup network backend host) must match: none when external names are
   * disabled, `.*` unless onlyAllowedExternalNames, else the configured unanchored regexps.
   */
  readonly allowedExternalNames: readonly RegExp[];
  /**
   * Patterns a RouteGroup network backend or explicit LB endpoint host must match: `.*` unless
   * onlyAllowedExternalNames, else the configured regexps (independent of enableExternalNames).
   */
  readonly allowedNetworkHosts: readonly RegExp[];
  /** The service, or undefined when missing or without a spec. */
  getService(namespace: string, name: string): KubeService | undefined;
  /** True when the host name matches one of {@link allowedExternalNames}. */
  isExternalNameAllowed(host: string): boolean;
}

/** Skipper's client-constructor defaults, applied to options from flags or a `.kube` file. */
export function normalizeOptions(o: KubeOptions): KubeOptions {
  const n = { ...o };
  if (!(n.httpsRedirectCode > 0)) n.httpsRedirectCode = 308;
  if (n.enableEastWest) n.eastWestDomain = n.eastWestDomain === '' ? 'skipper.cluster.local' : n.eastWestDomain.replace(/^\.+|\.+$/g, '');
  n.defaultLoadBalancerAlgorithm = normalizeLBAlgorithm(n.defaultLoadBalancerAlgorithm);
  return n;
}

/** Compiles unanchored Go-style patterns; an invalid one is logged and skipped. */
export function compilePatterns(patterns: readonly string[], log: KubeLogger): RegExp[] {
  const out: RegExp[] = [];
  for (const p of patterns) {
    try {
      out.push(new RegExp(p));
    } catch (err) {
      log({ level: 'error', msg: `invalid allowed external name pattern ${JSON.stringify(p)}: ${(err as Error).message}` });
    }
  }
  return out;
}

/** The per-object lookups a context reads, kept up to date by the incremental converter between runs. */
export interface ContextLookups {
  /** Services with a spec by `<namespace>/<name>` (a tracking map when dependencies are recorded). */
  readonly services: Map<string, KubeService>;
  readonly rawServices: Map<string, KubeObject>;
  /** Empty unless enableTLS (a tracking map when dependencies are recorded). */
  readonly secrets: Map<string, KubeObject>;
  /** Endpoints by `<namespace>/<name>` (unless endpoint slices are enabled). */
  readonly endpoints: Map<string, KubeObject>;
  /** EndpointSlices grouped by service `<namespace>/<name>` (with endpoint slices). */
  readonly slices: Map<string, KubeObject[]>;
}

/** Empty lookups, tracking service and secret lookups when `track` is given. */
export function emptyLookups(track?: DependencyTracker): ContextLookups {
  return {
    services: track ? new TrackingMap('service', track) : new Map(),
    rawServices: new Map(),
    secrets: track ? new TrackingMap('secret', track) : new Map(),
    endpoints: new Map(),
    slices: new Map(),
  };
}

/**
 * A context over lookups built elsewhere; reads the default filters directory. Logs nothing about invalid
 * services (the caller knows whether there are any). O(1) besides the directory read.
 */
export function contextFromLookups(state: ClusterState, o: KubeOptions, log: KubeLogger, l: ContextLookups, track?: DependencyTracker): SharedContext {
  const networkHosts = o.onlyAllowedExternalNames ? compilePatterns(o.allowedExternalNames, log) : [/.*/];
  const allowed = o.enableExternalNames ? networkHosts : [];
  const defaultFilters = DefaultFilters.fromDir(o.defaultFiltersDir, log, track && ((key) => track('default-filters', key)));
  const services = l.services;
  return {
    state,
    opts: o,
    log,
    services,
    rawServices: l.rawServices,
    endpoints: new EndpointIndex({ endpoints: l.endpoints, slices: l.slices }, o.enableEndpointSlices, track && ((ns, name) => track('endpoints', `${ns}/${name}`))),
    defaultFilters,
    secrets: l.secrets,
    allowedExternalNames: allowed,
    allowedNetworkHosts: networkHosts,
    getService: (namespace, name) => services.get(`${namespace}/${name}`),
    isExternalNameAllowed: (host) => allowed.some((rx) => rx.test(host)),
  };
}

/**
 * Indexes the cluster state for one conversion run. With a tracker, every service, endpoints, default filter
 * and secret lookup is reported.
 */
export function createSharedContext(state: ClusterState, opts: KubeOptions, log: KubeLogger, track?: DependencyTracker): SharedContext {
  const o = normalizeOptions(opts);
  const l = emptyLookups(track);
  let invalidService = false;
  for (const s of state.services) {
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    l.rawServices.set(key, s);
    const svc = readServiceCached(s);
    if (svc === undefined) invalidService = true;
    else l.services.set(key, svc);
  }
  if (invalidService) log({ level: 'error', msg: 'Invalid service resource detected.' });
  if (o.enableTLS) for (const s of state.secrets) l.secrets.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  if (o.enableEndpointSlices) for (const [k, v] of groupSlices(state.endpointSlices)) l.slices.set(k, v);
  else for (const e of state.endpoints) l.endpoints.set(`${e.metadata.namespace}/${e.metadata.name}`, e);
  return contextFromLookups(state, o, log, l, track);
}
