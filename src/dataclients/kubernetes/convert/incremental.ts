/**
 * Incremental conversion for the live data client: same result as {@link convertClusterState}, but each
 * Ingress and RouteGroup is converted again only when the object itself or something it looked up (its
 * services, endpoints, default filters, TLS secrets) changed since the previous call. Objects are compared
 * by identity, so callers must replace (never mutate) objects that change, as watch-based caches do.
 * Cached results are logged again on reuse, so logs match a full conversion.
 *
 * The returned routes are shared with later results: treat them as immutable.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import type { DependencyKind, SharedContext } from './context.ts';
import { createSharedContext } from './context.ts';
import { globalRedirectRoute } from './https-redirect.ts';
import { healthcheckRoutes } from './healthcheck.ts';
import { dedupeRoutes } from './dedupe.ts';
import type { IngressPart } from './ingress.ts';
import { assembleIngressRoutes, convertIngressPart } from './ingress.ts';
import { selectIngresses } from './ingress-select.ts';
import { convertRouteGroup, createRouteGroupEnv, loadRouteGroups } from './routegroup.ts';
import type { RouteGroup } from './routegroup-spec.ts';
import type { ClusterState, ConversionResult, KubeLogEntry, KubeLogger, KubeObject, TLSCertificate } from './types.ts';

export type Converter = (state: ClusterState, opts: KubeOptions, log: KubeLogger) => ConversionResult;

interface Dependency {
  kind: DependencyKind;
  key: string;
  value: unknown;
}

interface Entry<T> {
  deps: Dependency[];
  value: T;
  logs: KubeLogEntry[];
}

interface GroupResult {
  routes: RouteDef[];
  certificates: TLSCertificate[];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/** The current identity of what a lookup returned: the object(s) or file text it came from. */
function currentValue(ctx: SharedContext, kind: DependencyKind, key: string): unknown {
  switch (kind) {
    case 'service':
      return ctx.rawServices.get(key);
    case 'endpoints':
      return ctx.endpoints.sourcesByKey(key);
    case 'default-filters':
      return ctx.defaultFilters.text(key);
    case 'secret':
      // Bypasses the tracking get: checking must not record.
      return Map.prototype.get.call(ctx.secrets, key);
  }
}

function byNamespaceName(a: { rg: RouteGroup }, b: { rg: RouteGroup }): number {
  if (a.rg.namespace !== b.rg.namespace) return a.rg.namespace < b.rg.namespace ? -1 : 1;
  return a.rg.name < b.rg.name ? -1 : a.rg.name > b.rg.name ? 1 : 0;
}

/** Creates a stateful converter; options changes reset its caches. */
export function createIncrementalConverter(): Converter {
  let optsKey: string | undefined;
  let validated = new WeakMap<KubeObject, string | null>();
  let ingresses = new WeakMap<KubeObject, Entry<IngressPart | undefined>>();
  let loaded = new WeakMap<KubeObject, Entry<RouteGroup | undefined>>();
  let groups = new WeakMap<KubeObject, Entry<GroupResult>>();

  return (state, opts, log) => {
    const key = JSON.stringify(opts);
    if (key !== optsKey) {
      optsKey = key;
      validated = new WeakMap();
      ingresses = new WeakMap();
      loaded = new WeakMap();
      groups = new WeakMap();
    }
    let recording: Map<string, Dependency> | undefined;
    let collecting: KubeLogEntry[] | undefined;
    const dispatch: KubeLogger = (e) => {
      collecting?.push(e);
      log(e);
    };
    const ctx = createSharedContext(state, opts, dispatch, (kind, k) => {
      if (recording !== undefined && !recording.has(`${kind}\0${k}`)) recording.set(`${kind}\0${k}`, { kind, key: k, value: undefined });
    });

    /** Reuses the cached entry when nothing it depends on changed; otherwise computes and caches it. */
    const memo = <T>(cache: WeakMap<KubeObject, Entry<T>>, obj: KubeObject, compute: () => T): T => {
      const e = cache.get(obj);
      if (e !== undefined && e.deps.every((d) => sameValue(d.value, currentValue(ctx, d.kind, d.key)))) {
        for (const l of e.logs) log(l);
        return e.value;
      }
      recording = new Map();
      collecting = [];
      try {
        const value = compute();
        const deps = [...recording.values()];
        for (const d of deps) d.value = currentValue(ctx, d.kind, d.key);
        cache.set(obj, { deps, value, logs: collecting });
        return value;
      } finally {
        recording = undefined;
        collecting = undefined;
      }
    };

    const parts: IngressPart[] = [];
    for (const obj of selectIngresses(state.ingresses, ctx.opts.ingressClass, dispatch, validated)) {
      const p = memo(ingresses, obj, () => convertIngressPart(ctx, obj));
      if (p !== undefined) parts.push(p);
    }
    const ing = assembleIngressRoutes(ctx, parts);

    const valid: { obj: KubeObject; rg: RouteGroup }[] = [];
    for (const obj of state.routeGroups) {
      const rg = memo(loaded, obj, () => loadRouteGroups([obj], opts.routeGroupClass, dispatch)[0]);
      if (rg !== undefined) valid.push({ obj, rg });
    }
    valid.sort(byNamespaceName);
    const env = createRouteGroupEnv({ ...state, secrets: [] }, dispatch, ctx);
    const certificates = [...ing.certificates];
    const routes: RouteDef[] = [...ing.routes];
    for (const { obj, rg } of valid) {
      const g = memo(groups, obj, () => {
        const certs: TLSCertificate[] = [];
        try {
          const r = convertRouteGroup(rg, { ...env, secrets: ctx.opts.enableTLS ? ctx.secrets : undefined, certificates: certs });
          return { routes: r, certificates: certs };
        } catch (err) {
          // An unexpected failure in one RouteGroup drops only its routes.
          dispatch({ level: 'error', msg: `invalid route group: ${(err as Error).message}`, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
          return { routes: [], certificates: [] };
        }
      });
      routes.push(...g.routes);
      certificates.push(...g.certificates);
    }
    if (ctx.opts.provideHealthcheck) routes.push(...healthcheckRoutes(ctx.opts.whitelistedHealthCheckCIDR, ctx.opts.reverseSourcePredicate));
    if (ctx.opts.provideHTTPSRedirect) routes.push(globalRedirectRoute(ctx.opts.httpsRedirectCode));
    return { routes: dedupeRoutes(routes, dispatch), certificates };
  };
}
