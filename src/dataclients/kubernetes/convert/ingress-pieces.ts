/**
 * The Ingress side of the incremental converter: one entry per Ingress (its converted part, log lines and
 * lookups) and one block per host, kept in the full conversion's order so that a change rebuilds only the
 * blocks of the hosts it touches.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import type { SharedContext } from './context.ts';
import type { ConversionRecorder, Dependent } from './dependency-index.ts';
import type { IngressPart } from './ingress.ts';
import { convertIngressPart, eastWestDefaultRoutes, hostRoutesBlock } from './ingress.ts';
import { byMetadata, selectIngresses } from './ingress-select.ts';
import type { Segments } from './flat-segments.ts';
import type { RouteIdCount } from './route-id-count.ts';
import { SortedList } from './sorted-list.ts';
import { sameRoutes } from './same-routes.ts';
import type { KubeLogEntry, KubeObject, TLSCertificate } from './types.ts';

export interface IngEntry extends Dependent {
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

const cmpIng = (a: IngEntry, b: IngEntry): number => byMetadata(a.obj, b.obj) || a.seq - b.seq;
const cmpBlock = (a: HostBlock, b: HostBlock): number => cmpIng(a.orderEntry!, b.orderEntry!) || a.orderIdx - b.orderIdx;

/**
 * Converts one Ingress: class matching and annotation validation exactly as the full conversion selects.
 * `converted` is called when it gets past them.
 */
export function convertIngressEntry(o: KubeOptions, ctx: SharedContext, rec: ConversionRecorder, obj: KubeObject, seq: number, converted: () => void): IngEntry {
  let invalid: KubeLogEntry | undefined;
  const valid = selectIngresses([obj], o.ingressClass, (l) => (invalid ??= l.kind === 'Ingress' ? l : undefined), undefined, o.maxRoutesPerObject).length === 1;
  const e: IngEntry = { obj, seq, selected: valid || invalid !== undefined, invalid, part: undefined, logs: [], deps: [], hosts: [], routeHosts: 0 };
  if (!valid) return e;
  converted();
  const r = rec.record(() => convertIngressPart(ctx, obj));
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

/** The converted Ingresses of the current state and the route list they make. */
export class IngressPieces {
  readonly #o: KubeOptions;
  readonly #ids: RouteIdCount;
  readonly #onAttach: (e: IngEntry) => void;
  readonly #onDetach: (e: IngEntry) => void;
  readonly byObject = new Map<KubeObject, IngEntry>();
  /** Selected but invalid, in order: their validation line is logged on every run. */
  readonly invalid = new SortedList<IngEntry>(cmpIng);
  /** Entries with conversion log lines, in order. */
  readonly logging = new SortedList<IngEntry>(cmpIng);
  readonly #defaults = new SortedList<IngEntry>(cmpIng);
  /** Entries with certificates, in order. */
  readonly certs = new SortedList<IngEntry>(cmpIng);
  readonly #blocks = new Map<string, HostBlock>();
  readonly #hostOrder = new SortedList<HostBlock>(cmpBlock);
  readonly #dirty = new Set<HostBlock>();
  /** The list with east-west copies (that mode only), until a piece changes. */
  #routes: RouteDef[] | undefined;
  /** The default routes in order, rebuilt when one comes or goes. */
  #defaultRoutes: RouteDef[] | undefined;
  /** The default routes last handed out, kept when a rebuild yields equal ones. */
  #lastDefaults: RouteDef[] = [];
  #ewRoutes: RouteDef[] = [];
  /** The east-west summary line of the last assembly, if any. */
  ewLog: KubeLogEntry | undefined;

  /** `onAttach`/`onDetach`: the dependency index's bookkeeping for converted entries. */
  constructor(o: KubeOptions, ids: RouteIdCount, onAttach: (e: IngEntry) => void, onDetach: (e: IngEntry) => void) {
    this.#o = o;
    this.#ids = ids;
    this.#onAttach = onAttach;
    this.#onDetach = onDetach;
  }

  attach(e: IngEntry): void {
    this.byObject.set(e.obj, e);
    if (!e.selected) return;
    this.#routes = undefined;
    if (e.invalid !== undefined) {
      this.invalid.insert(e);
      return;
    }
    this.#onAttach(e);
    if (e.logs.length > 0) this.logging.insert(e);
    const p = e.part;
    if (p === undefined) return;
    if (p.defaultRoute !== undefined) {
      this.#defaultRoutes = undefined;
      this.#defaults.insert(e);
      this.#ids.add([p.defaultRoute], 1);
    }
    if (p.certificates.length > 0) this.certs.insert(e);
    for (const h of e.hosts) {
      let b = this.#blocks.get(h);
      if (b === undefined) {
        b = { host: h, contributors: new SortedList(cmpIng), routes: [], orderEntry: undefined, orderIdx: 0 };
        this.#blocks.set(h, b);
      }
      b.contributors.insert(e);
      this.#dirty.add(b);
    }
  }

  detach(e: IngEntry): void {
    this.byObject.delete(e.obj);
    if (!e.selected) return;
    this.#routes = undefined;
    if (e.invalid !== undefined) {
      this.invalid.remove(e);
      return;
    }
    this.#onDetach(e);
    if (e.logs.length > 0) this.logging.remove(e);
    const p = e.part;
    if (p === undefined) return;
    if (p.defaultRoute !== undefined) {
      this.#defaultRoutes = undefined;
      this.#defaults.remove(e);
      this.#ids.add([p.defaultRoute], -1);
    }
    if (p.certificates.length > 0) this.certs.remove(e);
    for (const h of e.hosts) {
      const b = this.#blocks.get(h)!;
      b.contributors.remove(e);
      this.#dirty.add(b);
    }
  }

  /** Rebuilds a host's routes from its contributors and moves it in the host order. */
  #rebuildBlock(b: HostBlock): void {
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
    const routes = first === undefined ? [] : hostRoutesBlock(this.#o, b.host, list, code, disable);
    // An Ingress replaced by an equal one (a status update, an Endpoints change with the same addresses) keeps
    // the block: the route list stays the same array, and nothing downstream recompiles.
    if (!sameRoutes(routes, b.routes)) {
      this.#ids.add(b.routes, -1);
      b.routes = routes;
      this.#ids.add(b.routes, 1);
    }
    if (b.orderEntry !== first || b.orderIdx !== firstIdx) {
      if (b.orderEntry !== undefined) this.#hostOrder.remove(b);
      b.orderEntry = first;
      b.orderIdx = firstIdx;
      if (first !== undefined) this.#hostOrder.insert(b);
    }
    if (b.contributors.size === 0) this.#blocks.delete(b.host);
  }

  /**
   * The route list as segments (flat-segments.ts): default routes, then each host's block in order of first
   * appearance; with east-west routes, one segment holding the whole list and the default routes' copies.
   */
  segments(): Segments<RouteDef> {
    for (const b of this.#dirty) this.#rebuildBlock(b);
    this.#dirty.clear();
    if (this.#o.enableEastWest) {
      const all = (this.#routes ??= this.#withEastWest());
      return { count: 1, at: () => all };
    }
    if (this.#defaultRoutes === undefined) {
      const defaults = this.#defaults.items.map((e) => e.part!.defaultRoute!);
      this.#defaultRoutes = sameRoutes(defaults, this.#lastDefaults) ? this.#lastDefaults : defaults;
      this.#lastDefaults = this.#defaultRoutes;
    }
    const defaults = this.#defaultRoutes;
    const blocks = this.#hostOrder.items;
    return { count: blocks.length + 1, at: (i) => (i === 0 ? defaults : blocks[i - 1]!.routes) };
  }

  /** The full assembly, east-west copies of the default routes included (they depend on the whole list). */
  #withEastWest(): RouteDef[] {
    const o = this.#o;
    const routes: RouteDef[] = [];
    const owners = new Map<string, [string, string]>();
    for (const e of this.#defaults.items) {
      const r = e.part!.defaultRoute!;
      routes.push(r);
      // Skipper passes namespace and name swapped here, so the east-west host is <namespace>.<name>.<domain>.
      owners.set(r.id, [e.part!.namespace, e.part!.name]);
    }
    for (const b of this.#hostOrder.items) for (const r of b.routes) routes.push(r);
    this.#ids.add(this.#ewRoutes, -1);
    this.#ewRoutes = [];
    this.ewLog = undefined;
    if (owners.size > 0) {
      this.#ewRoutes = eastWestDefaultRoutes(o, routes, owners);
      const n = routes.length;
      this.ewLog = { level: 'info', msg: `Enabled east west routes: ${n} ${n + this.#ewRoutes.length} ${this.#ewRoutes.length} ${this.#hostOrder.size}` };
      for (const r of this.#ewRoutes) routes.push(r);
    }
    this.#ids.add(this.#ewRoutes, 1);
    return routes;
  }

  /** The certificates of the Ingresses' TLS sections, in order. */
  certificates(out: TLSCertificate[]): void {
    for (const e of this.certs.items) out.push(...e.part!.certificates);
  }
}
