/**
 * The RouteGroup side of the incremental converter: one entry per RouteGroup (its routes, certificates, log
 * lines and lookups), kept in the full conversion's order.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { SharedContext } from './context.ts';
import type { ConversionRecorder, Dependent } from './dependency-index.ts';
import type { RouteGroupEnv } from './routegroup.ts';
import { byRouteGroupName, convertRouteGroup, loadRouteGroup } from './routegroup.ts';
import type { RouteGroup } from './routegroup-spec.ts';
import type { RouteIdCount } from './route-id-count.ts';
import type { Segments } from './flat-segments.ts';
import { SortedList } from './sorted-list.ts';
import type { KubeLogEntry, KubeObject, TLSCertificate } from './types.ts';

export interface RgEntry extends Dependent {
  readonly obj: KubeObject;
  readonly seq: number;
  readonly loadLogs: KubeLogEntry[];
  readonly rg: RouteGroup | undefined;
  routes: RouteDef[];
  certificates: TLSCertificate[];
  logs: KubeLogEntry[];
}

const cmpRg = (a: RgEntry, b: RgEntry): number => byRouteGroupName(a.rg!, b.rg!) || a.seq - b.seq;

/** Loads and converts one RouteGroup (secrets only with `tls`); `converted` is called when it loaded. */
export function convertRouteGroupEntry(ctx: SharedContext, env: RouteGroupEnv, rec: ConversionRecorder, obj: KubeObject, rx: RegExp, seq: number, tls: boolean, converted: () => void): RgEntry {
  const loadLogs: KubeLogEntry[] = [];
  const rg = loadRouteGroup(obj, rx, (l) => loadLogs.push(l));
  const e: RgEntry = { obj, seq, loadLogs, rg, routes: [], certificates: [], logs: [], deps: [] };
  if (rg === undefined) return e;
  converted();
  const r = rec.record(() => {
    const certificates: TLSCertificate[] = [];
    try {
      return { routes: convertRouteGroup(rg, { ...env, log: rec.log, secrets: tls ? ctx.secrets : undefined, certificates }), certificates };
    } catch (err) {
      // An unexpected failure in one RouteGroup drops only its routes.
      rec.log({ level: 'error', msg: `invalid route group: ${(err as Error).message}`, kind: 'RouteGroup', ns: rg.namespace, name: rg.name });
      return { routes: [], certificates: [] };
    }
  });
  e.routes = r.value.routes;
  e.certificates = r.value.certificates;
  e.deps = r.deps;
  e.logs = r.logs;
  return e;
}

/** The converted RouteGroups of the current state and the route list they make. */
export class RouteGroupPieces {
  readonly #ids: RouteIdCount;
  readonly #onAttach: (e: RgEntry) => void;
  readonly #onDetach: (e: RgEntry) => void;
  readonly byObject = new Map<KubeObject, RgEntry>();
  readonly #sorted = new SortedList<RgEntry>(cmpRg);
  /** Entries with conversion log lines, in order. */
  readonly logging = new SortedList<RgEntry>(cmpRg);
  readonly #certs = new SortedList<RgEntry>(cmpRg);
  /** How many entries have load log lines (replayed in state order). */
  loadLogCount = 0;

  constructor(ids: RouteIdCount, onAttach: (e: RgEntry) => void, onDetach: (e: RgEntry) => void) {
    this.#ids = ids;
    this.#onAttach = onAttach;
    this.#onDetach = onDetach;
  }

  attach(e: RgEntry): void {
    this.byObject.set(e.obj, e);
    if (e.loadLogs.length > 0) this.loadLogCount++;
    if (e.rg === undefined) return;
    this.#onAttach(e);
    this.#sorted.insert(e);
    if (e.logs.length > 0) this.logging.insert(e);
    if (e.certificates.length > 0) this.#certs.insert(e);
    this.#ids.add(e.routes, 1);
  }

  detach(e: RgEntry): void {
    this.byObject.delete(e.obj);
    if (e.loadLogs.length > 0) this.loadLogCount--;
    if (e.rg === undefined) return;
    this.#onDetach(e);
    this.#sorted.remove(e);
    if (e.logs.length > 0) this.logging.remove(e);
    if (e.certificates.length > 0) this.#certs.remove(e);
    this.#ids.add(e.routes, -1);
  }

  /** The route list as segments (flat-segments.ts): each RouteGroup's routes, in order. */
  segments(): Segments<RouteDef> {
    const entries = this.#sorted.items;
    return { count: entries.length, at: (i) => entries[i]!.routes };
  }

  certificates(out: TLSCertificate[]): void {
    for (const e of this.#certs.items) out.push(...e.certificates);
  }
}
