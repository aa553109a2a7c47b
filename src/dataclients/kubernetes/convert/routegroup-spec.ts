/**
 * The typed form of a RouteGroup (zalando.org/v1), decoded from the raw object the API returned.
 *
 * Decoding never throws: like Skipper's JSON decoding of backends, an unknown backend type or LB algorithm
 * is kept as a `parseError` on that backend and reported by validation, so one bad RouteGroup cannot stop
 * the others from loading.
 */
import type { FilterCall, PredicateCall } from '../../../eskip/index.ts';
import type { KubeObject } from './types.ts';

/** The backend types of a RouteGroup: eskip's types plus `service` (Kubernetes Service lookup). */
export type RgBackendType = 'service' | 'network' | 'shunt' | 'loopback' | 'dynamic' | 'lb' | 'forward';

/** The LB algorithms a RouteGroup `lb` or `service` backend may name; "" means "the default". */
const ALGORITHMS = new Set(['', 'roundRobin', 'random', 'consistentHash', 'powerOfRandomNChoices']);
const TYPES = new Set<string>(['network', 'shunt', 'loopback', 'dynamic', 'lb', 'forward']);

export interface RgBackend {
  name: string;
  type: RgBackendType;
  address: string;
  serviceName: string;
  servicePort: number;
  /** "" when not set. */
  algorithm: string;
  endpoints: string[];
  /** Set when the type or algorithm is not supported; reported by validation. */
  parseError: string | null;
}

/** A `backendName`/`weight` reference; null stands for a `null` list entry. */
export interface RgBackendRef {
  backendName: string;
  weight: number;
}

export interface RgRouteSpec {
  path: string;
  pathSubtree: string;
  pathRegexp: string;
  /** null when the route did not list backends. */
  backends: (RgBackendRef | null)[] | null;
  filters: string[];
  predicates: string[];
  methods: string[];
  /** `filters` and `predicates` parsed, one call each; set by validation so conversion parses nothing. */
  parsedFilters: FilterCall[];
  parsedPredicates: PredicateCall[];
}

export interface RgTLSSpec {
  hosts: string[];
  secretName: string;
}

export interface RgSpec {
  hosts: string[];
  backends: (RgBackend | null)[];
  defaultBackends: (RgBackendRef | null)[] | null;
  routes: (RgRouteSpec | null)[];
  tls: RgTLSSpec[];
}

export interface RouteGroup {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** null when the object has no spec. */
  spec: RgSpec | null;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return String(v);
}

function num(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Math.trunc(Number(v));
  return 0;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

function decodeBackend(v: unknown): RgBackend | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const rawType = str(o.type);
  const algorithm = str(o.algorithm);
  let parseError: string | null = null;
  let type: RgBackendType = 'service';
  if (rawType !== '' && rawType !== 'service') {
    if (TYPES.has(rawType)) type = rawType as RgBackendType;
    else parseError = `unsupported backend type: ${rawType}`;
  }
  // Skipper decodes the algorithm after the type, so its error wins when both are wrong.
  if (!ALGORITHMS.has(algorithm)) parseError = 'unsupported algorithm';
  return {
    name: str(o.name),
    type,
    address: str(o.address),
    serviceName: str(o.serviceName),
    servicePort: num(o.servicePort),
    algorithm: ALGORITHMS.has(algorithm) ? algorithm : '',
    endpoints: strings(o.endpoints),
    parseError,
  };
}

function decodeRefs(v: unknown): (RgBackendRef | null)[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((r) =>
    r !== null && typeof r === 'object'
      ? { backendName: str((r as Record<string, unknown>).backendName), weight: num((r as Record<string, unknown>).weight) }
      : null,
  );
}

function decodeRoute(v: unknown): RgRouteSpec | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  return {
    path: str(o.path),
    pathSubtree: str(o.pathSubtree),
    pathRegexp: str(o.pathRegexp),
    backends: decodeRefs(o.backends),
    filters: strings(o.filters),
    predicates: strings(o.predicates),
    methods: strings(o.methods),
    parsedFilters: [],
    parsedPredicates: [],
  };
}

function decodeSpec(v: unknown): RgSpec | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  return {
    hosts: strings(o.hosts),
    backends: Array.isArray(o.backends) ? o.backends.map(decodeBackend) : [],
    defaultBackends: decodeRefs(o.defaultBackends),
    routes: Array.isArray(o.routes) ? o.routes.map(decodeRoute) : [],
    tls: Array.isArray(o.tls)
      ? o.tls
          .filter((t): t is Record<string, unknown> => t !== null && typeof t === 'object')
          .map((t) => ({ hosts: strings(t.hosts), secretName: str(t.secretName) }))
      : [],
  };
}

/** Decodes a RouteGroup object; never throws. */
export function decodeRouteGroup(obj: KubeObject): RouteGroup {
  const md = (obj.metadata ?? {}) as Partial<KubeObject['metadata']>;
  return {
    namespace: md.namespace || 'default',
    name: str(md.name),
    annotations: md.annotations ?? {},
    labels: md.labels ?? {},
    spec: decodeSpec(obj.spec),
  };
}

/** The list without repeated entries, first occurrence kept (Skipper's UniqueHosts / UniqueMethods). */
export function uniqueStrings(list: readonly string[]): string[] {
  return [...new Set(list)];
}
