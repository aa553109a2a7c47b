/**
 * Incremental conversion for the live data client: same routes, certificates and log lines as
 * {@link convertClusterState}, but a change costs in proportion to what it touches, not to the cluster.
 *
 * - Each collection of the new state is compared with the previous one by object identity (an unchanged
 *   collection array is skipped outright), so callers must replace, never mutate, objects that change — as
 *   watch-based caches do.
 * - The lookups the conversion reads (services, endpoints, endpoint slices by service, secrets, default filter
 *   files) are kept between runs and patched with the changed objects.
 * - A dependency index maps every looked-up `kind/namespace/name` to the Ingresses and RouteGroups whose
 *   conversion read it; a changed Service, Endpoints, EndpointSlice, Secret or default filter file converts
 *   exactly those again. Changed or new Ingresses and RouteGroups are converted; nothing else is.
 * - The route list is assembled from per-object and per-host pieces kept in sorted order: a change rebuilds
 *   only the pieces of the hosts it touches, and the duplicate-id pass of the full conversion runs only when
 *   some id is actually duplicated (ids are counted as pieces come and go).
 *
 * Each object's log lines are kept with it and replayed in the full conversion's order on every run, so logs
 * (and the invalid-object counts derived from them) match a full conversion.
 *
 * The returned routes are shared with later results: treat them as immutable.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import type { ContextLookups, DependencyKind, SharedContext } from './context.ts';
import { contextFromLookups, emptyLookups, normalizeOptions } from './context.ts';
import { dedupeRoutes } from './dedupe.ts';
import { sliceServiceKey } from './endpoints.ts';
import { healthcheckRoutes } from './healthcheck.ts';
import { globalRedirectRoute } from './https-redirect.ts';
import type { IngressPart } from './ingress.ts';
import { convertIngressPart, eastWestDefaultRoutes, hostRoutesBlock } from './ingress.ts';
import { byMetadata, selectIngresses } from './ingress-select.ts';
import type { RouteGroupEnv } from './routegroup.ts';
import { byRouteGroupName, convertRouteGroup, createRouteGroupEnv, loadRouteGroup, routeGroupClassRx } from './routegroup.ts';
import type { RouteGroup } from './routegroup-spec.ts';
import { readServiceCached } from './services.ts';
import { keyOf, TrackedCollection } from './collection-diff.ts';
import { SortedList } from './sorted-list.ts';
import type { ClusterState, ConversionResult, KubeLogEntry, KubeLogger, KubeObject, TLSCertificate } from './types.ts';

/** Work counters, for tests and the benchmark. */
export interface ConverterStats {
  /** Ingress conversions (one object converted once) since the converter was created. */
  ingressConversions: number;
  /** RouteGroup conversions. */
  routeGroupConversions: number;
  /** Runs that reset every cache (first run, options changed). */
  fullRuns: number;
}

export type Converter = ((state: ClusterState, opts: KubeOptions, log: KubeLogger) => ConversionResult) & { readonly stats?: ConverterStats };

/** What one converted Ingress or RouteGroup read, for the dependency index. */
interface Owner {
  deps: string[];
}

interface IngEntry extends Owner {
  readonly obj: KubeObject;
  readonly seq: number;
  /** Matches the ingress class (else ignored without a log line). */
  readonly selected: boolean;
  /** The validation failure, logged on every run. */
  readonly invalid: KubeLogEntry | undefined;
  part: IngressPart | undefined;
  logs: KubeLogEntry[];
  /** Hosts whose block this entry contributes to: its route hosts (first appearance order) then its redirect hosts. */
  hosts: string[];
  /** How many of {@link hosts} have routes (they come first). */
  routeHosts: number;
}

interface HostBlock {
  readonly host: string;
  readonly contributors: SortedList<IngEntry>;
  routes: RouteDef[];
  /** The sort key the block was inserted into the host order with: first route contributor, host index. */
  orderEntry: IngEntry | undefined;
  orderIdx: number;
}

interface RgEntry extends Owner {
  readonly obj: KubeObject;
  readonly seq: number;
  readonly loadLogs: KubeLogEntry[];
  readonly rg: RouteGroup | undefined;
  routes: RouteDef[];
  certificates: TLSCertificate[];
  logs: KubeLogEntry[];
}

const cmpIngEntry = (a: IngEntry, b: IngEntry): number => byMetadata(a.obj, b.obj) || a.seq - b.seq;
const depKey = (kind: DependencyKind, key: string): string => `${kind}\0${key}`;

/** Creates a stateful converter; an options change resets its caches. */
export function createIncrementalConverter(): Converter {
  const stats: ConverterStats = { ingressConversions: 0, routeGroupConversions: 0, fullRuns: 0 };
  let optsKey: string | undefined;
  let s!: ReturnType<typeof freshState>;
  let seq = 0;

  /** Where lookups are recorded while an object converts; undefined otherwise. */
  let recording: Set<string> | undefined;
  /** Where log lines go while an object converts. */
  let capture: KubeLogEntry[] = [];
  const track = (kind: DependencyKind, key: string): void => {
    recording?.add(depKey(kind, key));
  };

  function freshState(opts: KubeOptions) {
    const o = normalizeOptions(opts);
    const cmpIng = cmpIngEntry;
    const cmpRg = (a: RgEntry, b: RgEntry) => byRouteGroupName(a.rg!, b.rg!) || a.seq - b.seq;
    const cmpBlock = (a: HostBlock, b: HostBlock) => cmpIng(a.orderEntry!, b.orderEntry!) || a.orderIdx - b.orderIdx;
    const tail: RouteDef[] = [];
    if (o.provideHealthcheck) tail.push(...healthcheckRoutes(o.whitelistedHealthCheckCIDR, o.reverseSourcePredicate));
    if (o.provideHTTPSRedirect) tail.push(globalRedirectRoute(o.httpsRedirectCode));
    return {
      o,
      lookups: emptyLookups(track) as ContextLookups,
      invalidServices: new Set<KubeObject>(),
      tracked: { ingresses: new TrackedCollection(), routeGroups: new TrackedCollection(), services: new TrackedCollection(), endpoints: new TrackedCollection(), endpointSlices: new TrackedCollection(), secrets: new TrackedCollection() },
      sliceKeys: new WeakMap<KubeObject, string | undefined>(),
      defaultFilterTexts: new Map<string, string>(),
      /** dependency key → the entries whose conversion read it. */
      dependents: new Map<string, Set<IngEntry | RgEntry>>(),
      ing: new Map<KubeObject, IngEntry>(),
      ingInvalid: new SortedList<IngEntry>(cmpIng),
      ingLogging: new SortedList<IngEntry>(cmpIng),
      ingDefaults: new SortedList<IngEntry>(cmpIng),
      ingCerts: new SortedList<IngEntry>(cmpIng),
      blocks: new Map<string, HostBlock>(),
      hostOrder: new SortedList<HostBlock>(cmpBlock),
      dirtyBlocks: new Set<HostBlock>(),
      ingRoutes: undefined as RouteDef[] | undefined,
      ewRoutes: [] as RouteDef[],
      ewLog: undefined as KubeLogEntry | undefined,
      rg: new Map<KubeObject, RgEntry>(),
      rgSorted: new SortedList<RgEntry>(cmpRg),
      rgLogging: new SortedList<RgEntry>(cmpRg),
      rgCerts: new SortedList<RgEntry>(cmpRg),
      rgLoadLogCount: 0,
      rgRoutes: undefined as RouteDef[] | undefined,
      tail,
      idCount: new Map<string, number>(),
      duplicates: new Set<string>(),
    };
  }

  const countIds = (routes: readonly RouteDef[], d: 1 | -1): void => {
    for (const r of routes) {
      const n = (s.idCount.get(r.id) ?? 0) + d;
      if (n === 0) s.idCount.delete(r.id);
      else s.idCount.set(r.id, n);
      if (n > 1) s.duplicates.add(r.id);
      else s.duplicates.delete(r.id);
    }
  };

  const addDeps = (owner: IngEntry | RgEntry): void => {
    for (const d of owner.deps) {
      let set = s.dependents.get(d);
      if (set === undefined) s.dependents.set(d, (set = new Set()));
      set.add(owner);
    }
  };
  const removeDeps = (owner: IngEntry | RgEntry): void => {
    for (const d of owner.deps) {
      const set = s.dependents.get(d);
      set?.delete(owner);
      if (set?.size === 0) s.dependents.delete(d);
    }
  };

  /** Runs one object's conversion, recording its lookups and capturing its log lines. */
  const recordingSet = new Set<string>();
  function recorded<T>(compute: () => T): { value: T; deps: string[]; logs: KubeLogEntry[] } {
    recording = recordingSet;
    capture = [];
    try {
      const value = compute();
      return { value, deps: [...recordingSet], logs: capture };
    } finally {
      recordingSet.clear();
      recording = undefined;
      capture = [];
    }
  }

  // ---- Ingresses ----

  function convertIng(ctx: SharedContext, obj: KubeObject): IngEntry {
    // Class matching and annotation validation exactly as the full conversion selects.
    let invalid: KubeLogEntry | undefined;
    const valid = selectIngresses([obj], s.o.ingressClass, (l) => (invalid ??= l.kind === 'Ingress' ? l : undefined), undefined, s.o.maxRoutesPerObject).length === 1;
    const e: IngEntry = { obj, seq: seq++, selected: valid || invalid !== undefined, invalid, part: undefined, logs: [], deps: [], hosts: [], routeHosts: 0 };
    if (!valid) return e;
    stats.ingressConversions++;
    const r = recorded(() => convertIngressPart(ctx, obj));
    e.part = r.value;
    e.deps = r.deps;
    e.logs = r.logs;
    if (e.part !== undefined) {
      // Mostly one host: a list, not a set, keeps the per-object state small.
      const hosts: string[] = [];
      for (const [host] of e.part.hostRoutes) if (!hosts.includes(host)) hosts.push(host);
      e.routeHosts = hosts.length;
      for (const h of e.part.redirectHosts.keys()) if (!hosts.includes(h)) hosts.push(h);
      for (const h of e.part.disableRedirectHosts) if (!hosts.includes(h)) hosts.push(h);
      e.hosts = hosts;
    }
    return e;
  }

  function attachIng(e: IngEntry): void {
    s.ing.set(e.obj, e);
    if (!e.selected) return;
    s.ingRoutes = undefined;
    if (e.invalid !== undefined) {
      s.ingInvalid.insert(e);
      return;
    }
    addDeps(e);
    if (e.logs.length > 0) s.ingLogging.insert(e);
    const p = e.part;
    if (p === undefined) return;
    if (p.defaultRoute !== undefined) {
      s.ingDefaults.insert(e);
      countIds([p.defaultRoute], 1);
    }
    if (p.certificates.length > 0) s.ingCerts.insert(e);
    for (const h of e.hosts) {
      let b = s.blocks.get(h);
      if (b === undefined) {
        b = { host: h, contributors: new SortedList(cmpIngEntry), routes: [], orderEntry: undefined, orderIdx: 0 };
        s.blocks.set(h, b);
      }
      b.contributors.insert(e);
      s.dirtyBlocks.add(b);
    }
  }

  function detachIng(e: IngEntry): void {
    s.ing.delete(e.obj);
    if (!e.selected) return;
    s.ingRoutes = undefined;
    if (e.invalid !== undefined) {
      s.ingInvalid.remove(e);
      return;
    }
    removeDeps(e);
    if (e.logs.length > 0) s.ingLogging.remove(e);
    const p = e.part;
    if (p === undefined) return;
    if (p.defaultRoute !== undefined) {
      s.ingDefaults.remove(e);
      countIds([p.defaultRoute], -1);
    }
    if (p.certificates.length > 0) s.ingCerts.remove(e);
    for (const h of e.hosts) {
      const b = s.blocks.get(h)!;
      b.contributors.remove(e);
      s.dirtyBlocks.add(b);
    }
  }

  /** Rebuilds a host's routes from its contributors and moves it in the host order. */
  function rebuildBlock(b: HostBlock): void {
    const list: RouteDef[] = [];
    let first: IngEntry | undefined;
    let firstIdx = 0;
    let code: number | undefined;
    let disable = false;
    for (const e of b.contributors.items) {
      const idx = e.hosts.indexOf(b.host);
      if (idx < e.routeHosts) {
        if (first === undefined) {
          first = e;
          firstIdx = idx;
        }
        for (const [h, r] of e.part!.hostRoutes) if (h === b.host) list.push(r);
      }
      // Skipper shares one redirect map across Ingresses: the last one setting a code for the host wins.
      const c = e.part!.redirectHosts.get(b.host);
      if (c !== undefined) code = c;
      if (e.part!.disableRedirectHosts.has(b.host)) disable = true;
    }
    countIds(b.routes, -1);
    b.routes = first === undefined ? [] : hostRoutesBlock(s.o, b.host, list, code, disable);
    countIds(b.routes, 1);
    if (b.orderEntry !== first || b.orderIdx !== firstIdx) {
      if (b.orderEntry !== undefined) s.hostOrder.remove(b);
      b.orderEntry = first;
      b.orderIdx = firstIdx;
      if (first !== undefined) s.hostOrder.insert(b);
    }
    if (b.contributors.size === 0) s.blocks.delete(b.host);
  }

  /** Default routes, then each host's block in order of first appearance, then east-west default copies. */
  function ingressRoutes(): RouteDef[] {
    for (const b of s.dirtyBlocks) rebuildBlock(b);
    s.dirtyBlocks.clear();
    if (s.ingRoutes !== undefined) return s.ingRoutes;
    const routes: RouteDef[] = [];
    const owners = new Map<string, [string, string]>();
    for (const e of s.ingDefaults.items) {
      const r = e.part!.defaultRoute!;
      routes.push(r);
      // Skipper passes namespace and name swapped here, so the east-west host is <namespace>.<name>.<domain>.
      if (s.o.enableEastWest) owners.set(r.id, [e.part!.namespace, e.part!.name]);
    }
    for (const b of s.hostOrder.items) for (const r of b.routes) routes.push(r);
    countIds(s.ewRoutes, -1);
    s.ewRoutes = [];
    s.ewLog = undefined;
    if (s.o.enableEastWest && owners.size > 0) {
      s.ewRoutes = eastWestDefaultRoutes(s.o, routes, owners);
      const n = routes.length;
      s.ewLog = { level: 'info', msg: `Enabled east west routes: ${n} ${n + s.ewRoutes.length} ${s.ewRoutes.length} ${s.hostOrder.size}` };
      for (const r of s.ewRoutes) routes.push(r);
    }
    countIds(s.ewRoutes, 1);
    return (s.ingRoutes = routes);
  }

  // ---- RouteGroups ----

  function convertRg(ctx: SharedContext, env: RouteGroupEnv, obj: KubeObject, rx: RegExp): RgEntry {
    const loadLogs: KubeLogEntry[] = [];
    const rg = loadRouteGroup(obj, rx, (l) => loadLogs.push(l));
    const e: RgEntry = { obj, seq: seq++, loadLogs, rg, routes: [], certificates: [], logs: [], deps: [] };
    if (rg === undefined) return e;
    stats.routeGroupConversions++;
    const r = recorded(() => {
      const certificates: TLSCertificate[] = [];
      try {
        return { routes: convertRouteGroup(rg, { ...env, log: (l) => capture.push(l), secrets: s.o.enableTLS ? ctx.secrets : undefined, certificates }), certificates };
      } catch (err) {
        // An unexpected failure in one RouteGroup drops only its routes.
        capture.push({ level: 'error', msg: `invalid route group: ${(err as Error).message}`, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
        return { routes: [], certificates: [] };
      }
    });
    e.routes = r.value.routes;
    e.certificates = r.value.certificates;
    e.deps = r.deps;
    e.logs = r.logs;
    return e;
  }

  function attachRg(e: RgEntry): void {
    s.rg.set(e.obj, e);
    if (e.loadLogs.length > 0) s.rgLoadLogCount++;
    if (e.rg === undefined) return;
    s.rgRoutes = undefined;
    addDeps(e);
    s.rgSorted.insert(e);
    if (e.logs.length > 0) s.rgLogging.insert(e);
    if (e.certificates.length > 0) s.rgCerts.insert(e);
    countIds(e.routes, 1);
  }

  function detachRg(e: RgEntry): void {
    s.rg.delete(e.obj);
    if (e.loadLogs.length > 0) s.rgLoadLogCount--;
    if (e.rg === undefined) return;
    s.rgRoutes = undefined;
    removeDeps(e);
    s.rgSorted.remove(e);
    if (e.logs.length > 0) s.rgLogging.remove(e);
    if (e.certificates.length > 0) s.rgCerts.remove(e);
    countIds(e.routes, -1);
  }

  // ---- Lookups ----

  /** Patches the lookups with the changed objects; returns the dependency keys whose value changed. */
  function updateLookups(state: ClusterState, dirty: Set<string>): void {
    const l = s.lookups;
    const svc = s.tracked.services.diff(state.services);
    for (const o of svc.removed) {
      const k = keyOf(o);
      s.invalidServices.delete(o);
      if (l.rawServices.get(k) === o) {
        l.rawServices.delete(k);
        l.services.delete(k);
      }
      dirty.add(depKey('service', k));
    }
    for (const o of svc.added) {
      const k = keyOf(o);
      l.rawServices.set(k, o);
      const parsed = readServiceCached(o);
      if (parsed === undefined) {
        s.invalidServices.add(o);
        l.services.delete(k);
      } else l.services.set(k, parsed);
      dirty.add(depKey('service', k));
    }

    if (s.o.enableTLS) {
      const sec = s.tracked.secrets.diff(state.secrets);
      for (const o of sec.removed) {
        const k = keyOf(o);
        if (Map.prototype.get.call(l.secrets, k) === o) l.secrets.delete(k);
        dirty.add(depKey('secret', k));
      }
      for (const o of sec.added) {
        l.secrets.set(keyOf(o), o);
        dirty.add(depKey('secret', keyOf(o)));
      }
    }

    if (!s.o.enableEndpointSlices) {
      const eps = s.tracked.endpoints.diff(state.endpoints);
      for (const o of eps.removed) {
        const k = keyOf(o);
        if (l.endpoints.get(k) === o) l.endpoints.delete(k);
        dirty.add(depKey('endpoints', k));
      }
      for (const o of eps.added) {
        l.endpoints.set(keyOf(o), o);
        dirty.add(depKey('endpoints', keyOf(o)));
      }
    } else {
      const sl = s.tracked.endpointSlices.diff(state.endpointSlices);
      const services = new Set<string>();
      const serviceOf = (o: KubeObject): string | undefined => {
        if (!s.sliceKeys.has(o)) s.sliceKeys.set(o, sliceServiceKey(o));
        return s.sliceKeys.get(o);
      };
      for (const o of [...sl.removed, ...sl.added]) {
        const k = serviceOf(o);
        if (k !== undefined) services.add(k);
      }
      if (services.size > 0) {
        // The slices of a service are merged in state order (the last one's ports win): regroup in that order.
        for (const k of services) {
          l.slices.delete(k);
          dirty.add(depKey('endpoints', k));
        }
        for (const o of state.endpointSlices) {
          const k = serviceOf(o);
          if (k === undefined || !services.has(k)) continue;
          let list = l.slices.get(k);
          if (list === undefined) l.slices.set(k, (list = []));
          list.push(o);
        }
      }
    }
  }

  /** Compares the default filter files with the previous run's; marks the changed services. */
  function updateDefaultFilters(ctx: SharedContext, dirty: Set<string>): void {
    const now = new Map(ctx.defaultFilters.texts());
    for (const [k, t] of now) if (s.defaultFilterTexts.get(k) !== t) dirty.add(depKey('default-filters', k));
    for (const k of s.defaultFilterTexts.keys()) if (!now.has(k)) dirty.add(depKey('default-filters', k));
    s.defaultFilterTexts = now;
  }

  const converter = (state: ClusterState, opts: KubeOptions, log: KubeLogger): ConversionResult => {
    const key = JSON.stringify(opts);
    if (key !== optsKey) {
      optsKey = key;
      s = freshState(opts);
      countIds(s.tail, 1);
      stats.fullRuns++;
    }
    const o = s.o;
    const dirty = new Set<string>();
    updateLookups(state, dirty);
    // Log lines of the run, in the full conversion's order; per-object lines come from the entries.
    const out: KubeLogEntry[] = [];
    if (s.invalidServices.size > 0) out.push({ level: 'error', msg: 'Invalid service resource detected.' });
    const ctx = contextFromLookups(state, o, (l) => capture.push(l), s.lookups, track);
    out.push(...capture.splice(0));
    updateDefaultFilters(ctx, dirty);

    // Ingresses: removed and replaced ones leave, new ones and dependents of changed lookups convert.
    const ingDiff = s.tracked.ingresses.diff(state.ingresses);
    const redo = new Set<IngEntry | RgEntry>();
    for (const d of dirty) for (const owner of s.dependents.get(d) ?? []) redo.add(owner);
    for (const obj of ingDiff.removed) {
      const e = s.ing.get(obj)!;
      redo.delete(e);
      detachIng(e);
    }
    const rgDiff = s.tracked.routeGroups.diff(state.routeGroups);
    for (const obj of rgDiff.removed) {
      const e = s.rg.get(obj)!;
      redo.delete(e);
      detachRg(e);
    }
    const rx = routeGroupClassRx(o.routeGroupClass, () => {});
    const env = createRouteGroupEnv({ ...state, secrets: [] }, () => {}, ctx);
    for (const e of redo) {
      if ('part' in e) {
        detachIng(e);
        attachIng(convertIng(ctx, e.obj));
      } else {
        detachRg(e);
        attachRg(convertRg(ctx, env, e.obj, rx));
      }
    }
    for (const obj of ingDiff.added) attachIng(convertIng(ctx, obj));
    for (const obj of rgDiff.added) attachRg(convertRg(ctx, env, obj, rx));

    selectIngresses([], o.ingressClass, (l) => out.push(l));
    for (const e of s.ingInvalid.items) out.push(e.invalid!);
    for (const e of s.ingLogging.items) out.push(...e.logs);
    const ing = ingressRoutes();
    if (s.ewLog !== undefined) out.push(s.ewLog);

    routeGroupClassRx(o.routeGroupClass, (l) => out.push(l));
    if (s.rgLoadLogCount > 0) for (const obj of state.routeGroups) out.push(...(s.rg.get(obj)?.loadLogs ?? []));
    createRouteGroupEnv({ ...state, secrets: [] }, (l) => out.push(l), ctx);
    for (const e of s.rgLogging.items) out.push(...e.logs);
    if (s.rgRoutes === undefined) {
      const rs: RouteDef[] = [];
      for (const e of s.rgSorted.items) for (const r of e.routes) rs.push(r);
      s.rgRoutes = rs;
    }

    let routes = ing.concat(s.rgRoutes, s.tail);
    // The duplicate-id pass is the full conversion's; it only has work when some id occurs twice.
    if (s.duplicates.size > 0) routes = dedupeRoutes(routes, (l) => out.push(l));
    const certificates: TLSCertificate[] = [];
    for (const e of s.ingCerts.items) certificates.push(...e.part!.certificates);
    for (const e of s.rgCerts.items) certificates.push(...e.certificates);
    for (const l of out) log(l);
    return { routes, certificates };
  };
  return Object.assign(converter, { stats });
}
