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
import { contextFromLookups, normalizeOptions } from './context.ts';
import { dedupeRoutes } from './dedupe.ts';
import { ConversionRecorder, DependencyIndex } from './dependency-index.ts';
import { healthcheckRoutes } from './healthcheck.ts';
import { globalRedirectRoute } from './https-redirect.ts';
import { selectIngresses } from './ingress-select.ts';
import { convertIngressEntry, IngressPieces, type IngEntry } from './ingress-pieces.ts';
import { PatchedLookups } from './patched-lookups.ts';
import { createRouteGroupEnv, routeGroupClassRx } from './routegroup.ts';
import { convertRouteGroupEntry, RouteGroupPieces, type RgEntry } from './routegroup-pieces.ts';
import { RouteIdCount } from './route-id-count.ts';
import { keyOf, TrackedCollection } from './collection-diff.ts';
import { sameRoutes } from './same-routes.ts';
import { FlatSegments } from './flat-segments.ts';
import type { ClusterState, ConversionResult, KubeLogEntry, KubeLogger, TLSCertificate } from './types.ts';

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

/** Everything the converter keeps between runs with the same options. */
class ConverterState {
  readonly o: KubeOptions;
  readonly rec = new ConversionRecorder();
  readonly lookups: PatchedLookups;
  readonly ingresses = new TrackedCollection();
  readonly routeGroups = new TrackedCollection();
  readonly index = new DependencyIndex<IngEntry | RgEntry>();
  readonly ids = new RouteIdCount();
  readonly ing: IngressPieces;
  readonly rg: RouteGroupPieces;
  /** Health check and global redirect routes, after everything else. */
  readonly tail: RouteDef[] = [];
  /** The complete list, flattened from the pieces' segments (one copy per change). */
  readonly flat = new FlatSegments<RouteDef>();

  constructor(opts: KubeOptions) {
    const o = (this.o = normalizeOptions(opts));
    this.lookups = new PatchedLookups(o, this.rec.track);
    const attach = (e: IngEntry | RgEntry) => this.index.add(e);
    const detach = (e: IngEntry | RgEntry) => this.index.remove(e);
    this.ing = new IngressPieces(o, this.ids, attach, detach);
    this.rg = new RouteGroupPieces(this.ids, attach, detach);
    if (o.provideHealthcheck) this.tail.push(...healthcheckRoutes(o.whitelistedHealthCheckCIDR, o.reverseSourcePredicate));
    if (o.provideHTTPSRedirect) this.tail.push(globalRedirectRoute(o.httpsRedirectCode));
    this.ids.add(this.tail, 1);
  }
}

/** Creates a stateful converter; an options change resets its caches. */
export function createIncrementalConverter(): Converter {
  const stats: ConverterStats = { ingressConversions: 0, routeGroupConversions: 0, fullRuns: 0 };
  let optsKey: string | undefined;
  let s!: ConverterState;
  let seq = 0;

  const converter = (state: ClusterState, opts: KubeOptions, log: KubeLogger): ConversionResult => {
    const key = JSON.stringify(opts);
    if (key !== optsKey) {
      optsKey = key;
      s = new ConverterState(opts);
      stats.fullRuns++;
    }
    const { o, rec } = s;
    const dirty = new Set<string>();
    s.lookups.update(state, dirty);
    // Log lines of the run, in the full conversion's order; per-object lines come from the entries.
    const out: KubeLogEntry[] = [];
    if (s.lookups.invalidServices.size > 0) out.push({ level: 'error', msg: 'Invalid service resource detected.' });
    const ctx = contextFromLookups(state, o, rec.log, s.lookups.lookups, rec.track);
    out.push(...rec.drain());
    s.lookups.updateDefaultFilters(ctx, dirty);

    // Removed and replaced objects leave; new ones and the dependents of changed lookups convert.
    const ingDiff = s.ingresses.diff(state.ingresses);
    const redo = s.index.dependentsOf(dirty);
    for (const obj of ingDiff.removed) {
      const e = s.ing.byObject.get(obj)!;
      redo.delete(e);
      s.ing.detach(e);
    }
    const rgDiff = s.routeGroups.diff(state.routeGroups);
    // Replaced RouteGroups by key: a replacement converting to equal routes keeps the old routes array.
    const replacedRg = new Map<string, RgEntry>();
    for (const obj of rgDiff.removed) {
      const e = s.rg.byObject.get(obj)!;
      redo.delete(e);
      s.rg.detach(e);
      replacedRg.set(keyOf(obj), e);
    }
    const rx = routeGroupClassRx(o.routeGroupClass, () => {});
    const env = createRouteGroupEnv({ ...state, secrets: [] }, () => {}, ctx);
    const ingConverted = () => stats.ingressConversions++;
    const rgConverted = () => stats.routeGroupConversions++;
    const ing = (obj: IngEntry['obj']): IngEntry => convertIngressEntry(o, ctx, rec, obj, seq++, ingConverted);
    const rg = (obj: RgEntry['obj'], was: RgEntry | undefined): RgEntry => {
      const e = convertRouteGroupEntry(ctx, env, rec, obj, rx, seq++, o.enableTLS, rgConverted);
      if (was !== undefined && sameRoutes(e.routes, was.routes)) e.routes = was.routes;
      return e;
    };
    for (const e of redo) {
      if ('part' in e) {
        s.ing.detach(e);
        s.ing.attach(ing(e.obj));
      } else {
        s.rg.detach(e);
        s.rg.attach(rg(e.obj, e));
      }
    }
    for (const obj of ingDiff.added) s.ing.attach(ing(obj));
    for (const obj of rgDiff.added) s.rg.attach(rg(obj, replacedRg.get(keyOf(obj))));

    selectIngresses([], o.ingressClass, (l) => out.push(l));
    for (const e of s.ing.invalid.items) out.push(e.invalid!);
    for (const e of s.ing.logging.items) out.push(...e.logs);
    const ingSegs = s.ing.segments();
    if (s.ing.ewLog !== undefined) out.push(s.ing.ewLog);

    routeGroupClassRx(o.routeGroupClass, (l) => out.push(l));
    if (s.rg.loadLogCount > 0) for (const obj of state.routeGroups) out.push(...(s.rg.byObject.get(obj)?.loadLogs ?? []));
    createRouteGroupEnv({ ...state, secrets: [] }, (l) => out.push(l), ctx);
    for (const e of s.rg.logging.items) out.push(...e.logs);

    const rgSegs = s.rg.segments();
    const n1 = ingSegs.count;
    const n2 = n1 + rgSegs.count;
    const tail = s.tail;
    let routes = s.flat.flatten(n2 + 1, (i) => (i < n1 ? ingSegs.at(i) : i < n2 ? rgSegs.at(i - n1) : tail));
    let change = s.flat.lastChange;
    // The duplicate-id pass is the full conversion's; it only has work when some id occurs twice.
    if (s.ids.hasDuplicates) {
      routes = dedupeRoutes(routes, (l) => out.push(l));
      change = undefined;
    }
    const certificates: TLSCertificate[] = [];
    s.ing.certificates(certificates);
    s.rg.certificates(certificates);
    for (const l of out) log(l);
    return change === undefined ? { routes, certificates } : { routes, certificates, change };
  };
  return Object.assign(converter, { stats });
}
