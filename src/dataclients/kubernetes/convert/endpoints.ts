/**
 * Endpoint lookup for a service port or target port, from Endpoints or (with
 * `-enable-kubernetes-endpointslices`) EndpointSlices, with Skipper's port matching, ready conditions,
 * de-duplication across slices and topology-zone filtering.
 */
import type { LBEndpoint } from '../../../eskip/index.ts';
import type { ServicePort, TargetPort } from './services.ts';
import { targetPortNumber, targetPortString } from './services.ts';
import type { ClusterState, KubeObject } from './types.ts';

/** Zone filtering only applies when at least this many endpoints are in the zone (Skipper's safeguard). */
export const minEndpointsByZone = 3;

const serviceNameLabel = 'kubernetes.io/service-name';

interface Port {
  name: string;
  port: number;
  protocol: string;
  appProtocol: string;
}

interface Subset {
  addresses: string[];
  ports: Port[];
}

/** The ready, non-terminating endpoints of all slices of one service, de-duplicated by address. */
interface SliceSet {
  endpoints: { address: string; zone: string }[];
  ports: Port[];
}

/** `scheme://ip:port`, bracketing IPv6 addresses as Go's net.JoinHostPort does. */
export function formatEndpoint(ip: string, scheme: string, port: number): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `${scheme}://${host}:${port}`;
}

function readPorts(v: unknown): Port[] {
  const out: Port[] = [];
  for (const p of Array.isArray(v) ? v : []) {
    if (p === null || typeof p !== 'object') continue;
    out.push({
      name: typeof p.name === 'string' ? p.name : '',
      port: typeof p.port === 'number' ? p.port : 0,
      protocol: typeof p.protocol === 'string' ? p.protocol : '',
      appProtocol: typeof p.appProtocol === 'string' ? p.appProtocol : '',
    });
  }
  return out;
}

function readSubsets(o: KubeObject): Subset[] {
  const out: Subset[] = [];
  for (const s of Array.isArray(o.subsets) ? o.subsets : []) {
    if (s === null || typeof s !== 'object') continue;
    const addresses: string[] = [];
    for (const a of Array.isArray(s.addresses) ? s.addresses : []) {
      if (a !== null && typeof a === 'object' && typeof a.ip === 'string') addresses.push(a.ip);
    }
    out.push({ addresses, ports: readPorts(s.ports) });
  }
  return out;
}

/** Terminating always wins. */
function isTerminating(c: any): boolean {
  return c !== null && typeof c === 'object' && c.terminating === true;
}

/** A missing ready condition counts as ready (Kubernetes' default); `serving` is not considered. */
function isReady(c: any): boolean {
  if (c === null || typeof c !== 'object') return true;
  return !isTerminating(c) && (c.ready === undefined || c.ready === null || c.ready === true);
}

/** The `<namespace>/<service>` an EndpointSlice belongs to; undefined for slices without ports (Skipper skips those). */
export function sliceServiceKey(s: KubeObject): string | undefined {
  if (!Array.isArray(s.ports)) return undefined;
  return `${s.metadata.namespace}/${s.metadata.labels?.[serviceNameLabel] ?? ''}`;
}

/** Groups the slices by service, in the order given; slices without a ports field are skipped, as Skipper does. */
export function groupSlices(slices: readonly KubeObject[]): Map<string, KubeObject[]> {
  const byService = new Map<string, KubeObject[]>();
  for (const s of slices) {
    const key = sliceServiceKey(s);
    if (key === undefined) continue;
    let list = byService.get(key);
    if (list === undefined) byService.set(key, (list = []));
    list.push(s);
  }
  return byService;
}

/** Merges the slices of one service into its ready endpoints; the last slice's ports win. */
function collectSlices(list: readonly KubeObject[]): SliceSet {
  const terminating = new Set<string>();
  const ready = new Map<string, { address: string; zone: string }>();
  let ports: Port[] = [];
  for (const s of list) {
    for (const ep of Array.isArray(s.endpoints) ? s.endpoints : []) {
      const address = ep?.addresses?.[0];
      if (typeof address !== 'string' || terminating.has(address)) continue;
      // A terminating copy in any slice wins over ready copies elsewhere (eventual consistency).
      if (isTerminating(ep.conditions)) {
        terminating.add(address);
        ready.delete(address);
      } else if (isReady(ep.conditions)) {
        ready.set(address, { address, zone: typeof ep.zone === 'string' ? ep.zone : '' });
      }
    }
    ports = readPorts(s.ports);
  }
  return { endpoints: [...ready.values()], ports };
}

function slicePort(ports: readonly Port[], protocol: string, name: string, value: number): number {
  for (const p of ports) {
    if (protocol !== '' && p.protocol !== protocol) continue;
    if (name !== '' && p.name === name) return p.port;
    if (value !== 0 && p.port === value) return value;
  }
  return 0;
}

/**
 * The endpoint scheme: an explicit one (`zalando.org/skipper-backend-protocol`) as given; by default http,
 * or h2c when the slice port declares `appProtocol: kubernetes.io/h2c`.
 */
function sliceScheme(ports: readonly Port[], port: number, scheme: string | undefined): string {
  if (scheme !== undefined) return scheme;
  return ports.some((p) => p.port === port && p.appProtocol === 'kubernetes.io/h2c') ? 'h2c' : 'http';
}

function byZone(zone: string, eps: LBEndpoint[]): LBEndpoint[] {
  if (zone === '') return eps;
  const local = eps.filter((e) => e.zone === zone);
  return local.length >= minEndpointsByZone ? local : eps;
}

function byAddress(a: LBEndpoint, b: LBEndpoint): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/**
 * Endpoint lookups over one cluster state. Results are cached per service, protocol and target port as in
 * Skipper (which makes the first lookup's scheme win for later lookups with the same key).
 */
export class EndpointIndex {
  readonly useSlices: boolean;
  /** Called with each service whose endpoints are looked up (dependency tracking). */
  private readonly onLookup: ((namespace: string, name: string) => void) | undefined;
  private readonly rawEndpoints: ReadonlyMap<string, KubeObject>;
  private readonly rawSlices: ReadonlyMap<string, readonly KubeObject[]>;
  private readonly subsets = new Map<string, Subset[]>();
  private readonly slices = new Map<string, SliceSet>();
  private readonly cache = new Map<string, LBEndpoint[]>();

  /**
   * Indexes the state's Endpoints or EndpointSlices, or takes indexes kept up to date elsewhere (Endpoints by
   * `<namespace>/<name>`, slices grouped by {@link groupSlices}); the lookup caches are this instance's own.
   */
  constructor(
    source: ClusterState | { endpoints: ReadonlyMap<string, KubeObject>; slices: ReadonlyMap<string, readonly KubeObject[]> },
    useSlices: boolean,
    onLookup?: (namespace: string, name: string) => void,
  ) {
    this.useSlices = useSlices;
    this.onLookup = onLookup;
    if (source.endpoints instanceof Map) {
      const raw = source as { endpoints: ReadonlyMap<string, KubeObject>; slices: ReadonlyMap<string, readonly KubeObject[]> };
      this.rawEndpoints = raw.endpoints;
      this.rawSlices = raw.slices;
      return;
    }
    const state = source as ClusterState;
    const eps = new Map<string, KubeObject>();
    if (!useSlices) for (const e of state.endpoints) eps.set(`${e.metadata.namespace}/${e.metadata.name}`, e);
    this.rawEndpoints = eps;
    this.rawSlices = useSlices ? groupSlices(state.endpointSlices) : new Map();
  }

  /**
   * The objects a service's endpoints come from: its Endpoints object, or its EndpointSlices (with ports);
   * undefined when there are none. Identity changes when the cluster state changes them.
   */
  sources(namespace: string, name: string): KubeObject | readonly KubeObject[] | undefined {
    return this.sourcesByKey(`${namespace}/${name}`);
  }

  /** {@link sources} by `<namespace>/<name>`. */
  sourcesByKey(key: string): KubeObject | readonly KubeObject[] | undefined {
    return this.useSlices ? this.rawSlices.get(key) : this.rawEndpoints.get(key);
  }

  private endpointSubsets(key: string): Subset[] | undefined {
    let s = this.subsets.get(key);
    if (s === undefined) {
      const raw = this.rawEndpoints.get(key);
      if (raw === undefined) return undefined;
      this.subsets.set(key, (s = readSubsets(raw)));
    }
    return s;
  }

  private sliceSet(key: string): SliceSet | undefined {
    let s = this.slices.get(key);
    if (s === undefined) {
      const raw = this.rawSlices.get(key);
      if (raw === undefined) return undefined;
      this.slices.set(key, (s = collectSlices(raw)));
    }
    return s;
  }

  /**
   * `scheme` undefined means the default: http, or h2c by the EndpointSlice port's appProtocol.
   *
   * Endpoints for an Ingress backend's service port, as `scheme://ip:port`, sorted by address. With slices
   * and a non-empty zone, only that zone's endpoints when there are at least {@link minEndpointsByZone}.
   */
  byServicePort(namespace: string, name: string, scheme: string | undefined, sp: ServicePort, zone = ''): LBEndpoint[] {
    this.onLookup?.(namespace, name);
    const key = `${namespace}/${name}`;
    return this.cached(`${key}|${scheme ?? ''}|${targetPortString(sp.targetPort)}`, zone, () => {
      if (this.useSlices) {
        const set = this.sliceSet(key);
        if (set === undefined) return undefined;
        let port: number;
        const n = targetPortNumber(sp.targetPort);
        if (sp.name === '' && n !== undefined) port = n;
        else port = slicePort(set.ports, 'TCP', sp.name, sp.port);
        const s = sliceScheme(set.ports, port, scheme);
        return set.endpoints.map((e) => ({ address: formatEndpoint(e.address, s, port), zone: e.zone }));
      }
      const subsets = this.endpointSubsets(key);
      if (subsets === undefined) return undefined;
      for (const s of subsets) {
        // A single port is used whatever its name; otherwise the service port name decides.
        const p = s.ports.length === 1 ? s.ports[0] : s.ports.find((x) => x.name === sp.name);
        if (p !== undefined) return s.addresses.map((ip) => ({ address: formatEndpoint(ip, scheme ?? 'http', p.port) }));
      }
      return [];
    });
  }

  /** Endpoints for a RouteGroup backend's target port (a port name or number). */
  byTarget(namespace: string, name: string, protocol: string, scheme: string | undefined, target: TargetPort, zone = ''): LBEndpoint[] {
    this.onLookup?.(namespace, name);
    const key = `${namespace}/${name}`;
    return this.cached(`${key}|${protocol}|${targetPortString(target)}`, zone, () => {
      const pName = typeof target === 'string' ? target : '';
      const pValue = typeof target === 'number' ? target : 0;
      if (this.useSlices) {
        const set = this.sliceSet(key);
        if (set === undefined) return undefined;
        const port = slicePort(set.ports, protocol, pName, pValue);
        const s = sliceScheme(set.ports, port, scheme);
        return set.endpoints.map((e) => ({ address: formatEndpoint(e.address, s, port), zone: e.zone }));
      }
      const subsets = this.endpointSubsets(key);
      if (subsets === undefined) return undefined;
      for (const s of subsets) {
        for (const p of s.ports) {
          if ((typeof target === 'string' && p.name !== pName) || (typeof target === 'number' && p.port !== pValue)) continue;
          return s.addresses.map((ip) => ({ address: formatEndpoint(ip, scheme ?? 'http', p.port) }));
        }
      }
      return [];
    });
  }

  /** All endpoint IP addresses of a service (no ports), sorted; zone-filtered like the other lookups. */
  addresses(namespace: string, name: string, zone = ''): string[] {
    this.onLookup?.(namespace, name);
    const key = `${namespace}/${name}`;
    let out: string[];
    if (this.useSlices) {
      const set = this.sliceSet(key);
      if (set === undefined) return [];
      const local = zone === '' ? [] : set.endpoints.filter((e) => e.zone === zone);
      out = (zone !== '' ? local : set.endpoints).map((e) => e.address);
    } else {
      out = (this.endpointSubsets(key) ?? []).flatMap((s) => s.ports.flatMap(() => s.addresses));
    }
    return out.sort();
  }

  private cached(key: string, zone: string, load: () => LBEndpoint[] | undefined): LBEndpoint[] {
    let eps = this.cache.get(key);
    if (eps === undefined) {
      const loaded = load();
      if (loaded === undefined) return [];
      eps = loaded.sort(byAddress);
      this.cache.set(key, eps);
    }
    return this.useSlices ? byZone(zone, eps) : eps;
  }
}
