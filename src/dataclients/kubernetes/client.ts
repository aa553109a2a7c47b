/**
 * The cluster side of the Kubernetes data client: which collections to read for the options (Skipper's
 * clusterclient), one Reflector each, and the ClusterState snapshot the conversion reads. The same code loads
 * the state once for the conformance runner (`watch: false`) and keeps it current for the live client.
 */
import { KubeApiError, type KubeApi } from './api.ts';
import type { ClusterState, KubeLogger, KubeObject } from './convert/index.ts';
import type { KubeOptions } from './options.ts';
import { Reflector, type Backoff } from './reflector.ts';

/** Skipper's message when the RouteGroup CRD is missing. */
export const ROUTEGROUPS_NOT_INSTALLED =
  'RouteGroups CRD is not installed in the cluster.\nSee: https://opensource.zalando.com/skipper/kubernetes/routegroups/#installation';

const ZALANDO_RESOURCES = '/apis/zalando.org/v1';

type Collection = Exclude<keyof ClusterState, never>;

/** The API paths of the collections, cluster-wide or in one namespace (Skipper's URIs). */
export function collectionPath(c: Collection, namespace: string): string {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  switch (c) {
    case 'ingresses':
      return `/apis/networking.k8s.io/v1${ns}/ingresses`;
    case 'routeGroups':
      return `${ZALANDO_RESOURCES}${ns}/routegroups`;
    case 'services':
      return `/api/v1${ns}/services`;
    case 'endpoints':
      return `/api/v1${ns}/endpoints`;
    case 'endpointSlices':
      return `/apis/discovery.k8s.io/v1${ns}/endpointslices`;
    case 'secrets':
      return `/api/v1${ns}/secrets`;
  }
}

/** `{a: "1", b: "2"}` → `a=1,b=2`, the API's equality selector. */
export function labelSelector(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface ClusterWatcherOptions {
  api: KubeApi;
  options: KubeOptions;
  log: KubeLogger;
  /** Called after any change of any collection (coalescing is the caller's job). */
  onChange?: () => void;
  /** Called for failed lists and watches after the initial load; the watcher retries by itself. */
  onError?: (err: Error) => void;
  backoff?: Backoff;
  /** How often to re-check whether the RouteGroup CRD appeared (live mode only). */
  discoveryIntervalMs?: number;
}

export class ClusterWatcher {
  readonly #o: ClusterWatcherOptions;
  readonly #reflectors = new Map<Collection, Reflector>();
  #discoveryTimer: NodeJS.Timeout | undefined;
  #loggedMissingRouteGroups = false;
  #stopped = false;

  constructor(o: ClusterWatcherOptions) {
    this.#o = o;
  }

  /**
   * Loads every needed collection once, in Skipper's order and with its error semantics: a failed discovery of
   * zalando.org/v1 is only logged, any failed list rejects with "failed to load cluster state: …". With `watch`,
   * the reflectors then keep the state current until stop().
   */
  async load(watch: boolean): Promise<void> {
    const opts = this.#o.options;
    // A retried load (the route server retries its first one) starts from scratch.
    for (const r of this.#reflectors.values()) r.stop();
    this.#reflectors.clear();
    const wanted: Collection[] = ['ingresses'];
    if (await this.#hasRouteGroups()) wanted.push('routeGroups');
    wanted.push('services', opts.enableEndpointSlices ? 'endpointSlices' : 'endpoints');
    if (opts.enableTLS) wanted.push('secrets');
    for (const c of wanted) this.#reflectors.set(c, this.#reflector(c));
    // Lists run in parallel; the reported failure is the first in Skipper's order, so errors are stable.
    const results = await Promise.allSettled([...this.#reflectors.values()].map((r) => r.list()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw new Error(`failed to load cluster state: ${(failed.reason as Error).message}`);
    if (!watch || this.#stopped) return;
    for (const r of this.#reflectors.values()) r.run();
    if (!this.#reflectors.has('routeGroups')) this.#scheduleDiscovery();
  }

  /** The current state, each collection sorted by namespace and name (Skipper sorts ingresses and route groups). */
  snapshot(): ClusterState {
    const items = (c: Collection): KubeObject[] => this.#reflectors.get(c)?.items() ?? [];
    return {
      ingresses: items('ingresses'),
      routeGroups: items('routeGroups'),
      services: items('services'),
      endpoints: items('endpoints'),
      endpointSlices: items('endpointSlices'),
      secrets: items('secrets'),
    };
  }

  /** List and watch counts per collection path, for tests and diagnostics. */
  stats(): { path: string; lists: number; watches: number }[] {
    return [...this.#reflectors.values()].map((r) => ({ path: r.path, lists: r.lists, watches: r.watches }));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#discoveryTimer);
    for (const r of this.#reflectors.values()) r.stop();
  }

  #reflector(c: Collection): Reflector {
    const opts = this.#o.options;
    const selectors: Partial<Record<Collection, Record<string, string>>> = {
      ingresses: opts.ingressLabelSelectors,
      routeGroups: opts.routeGroupsLabelSelectors,
      services: opts.servicesLabelSelectors,
      endpoints: opts.endpointsLabelSelectors,
      endpointSlices: opts.endpointSlicesLabelSelectors,
    };
    const kinds: Record<Collection, string> = {
      ingresses: 'Ingress',
      routeGroups: 'RouteGroup',
      services: 'Service',
      endpoints: 'Endpoints',
      endpointSlices: 'EndpointSlice',
      secrets: 'Secret',
    };
    return new Reflector({
      api: this.#o.api,
      path: collectionPath(c, opts.namespace),
      kind: kinds[c],
      log: this.#o.log,
      maxObjectBytes: opts.maxObjectBytes,
      labelSelector: labelSelector(selectors[c] ?? {}),
      backoff: this.#o.backoff,
      onChange: () => this.#o.onChange?.(),
      onError: (err) => this.#o.onError?.(err),
    });
  }

  async #hasRouteGroups(): Promise<boolean> {
    try {
      const body = await this.#o.api.getJSON(ZALANDO_RESOURCES);
      const list: { name?: string }[] = body?.resources ?? body?.items ?? [];
      return list.some((r) => r?.name === 'routegroups');
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) {
        if (!this.#loggedMissingRouteGroups) this.#o.log({ level: 'warn', msg: ROUTEGROUPS_NOT_INSTALLED });
        this.#loggedMissingRouteGroups = true;
      } else {
        this.#o.log({ level: 'error', msg: `Error while checking known resource types: ${(err as Error).message}.` });
      }
      return false;
    }
  }

  /** The RouteGroup CRD may be installed after start-up; start watching it when it shows up. */
  #scheduleDiscovery(): void {
    const every = this.#o.discoveryIntervalMs ?? 60_000;
    this.#discoveryTimer = setTimeout(async () => {
      if (this.#stopped) return;
      if (await this.#hasRouteGroups()) {
        const r = this.#reflector('routeGroups');
        try {
          await r.list();
        } catch (err) {
          this.#o.onError?.(err as Error);
          return this.#scheduleDiscovery();
        }
        if (this.#stopped) return;
        this.#reflectors.set('routeGroups', r);
        r.run();
        this.#o.onChange?.();
      } else this.#scheduleDiscovery();
    }, every);
    this.#discoveryTimer.unref();
  }
}
