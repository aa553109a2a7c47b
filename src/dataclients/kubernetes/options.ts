/**
 * Options of the Kubernetes data client: Skipper's kubernetes.Options, by the same meaning.
 * Filled from `-kubernetes-…` flags (src/config) or from a conformance fixture's `.kube` file.
 */
import type { FilterCall, PredicateCall } from '../../eskip/index.ts';

export type PathMode = 'kubernetes-ingress' | 'path-regexp' | 'path-prefix';
export type BackendTrafficAlgorithm = 'traffic-predicate' | 'traffic-segment-predicate';

export interface AnnotationPredicates {
  key: string;
  value: string;
  predicates: PredicateCall[];
}

export interface AnnotationFilters {
  key: string;
  value: string;
  filters: FilterCall[];
}

export interface KubeOptions {
  inCluster: boolean;
  /** API server URL (`-kubernetes-url`); "" with inCluster. */
  url: string;
  tokenFile: string;
  /** Watch one namespace only; "" for all. */
  namespace: string;
  /** Regexp matched against the ingress class (annotation or spec.ingressClassName). Default "skipper". */
  ingressClass: string;
  /** Regexp matched against the RouteGroup class annotation. Default "skipper". */
  routeGroupClass: string;
  provideHealthcheck: boolean;
  /** The health-check routes use SourceFromLast instead of Source (`-reverse-source-predicate`). */
  reverseSourcePredicate: boolean;
  whitelistedHealthCheckCIDR: string[];
  provideHTTPSRedirect: boolean;
  /** Default 308. */
  httpsRedirectCode: number;
  disableCatchAllRoutes: boolean;
  pathMode: PathMode;
  enableEastWest: boolean;
  /** Default "skipper.cluster.local" when east-west is on. */
  eastWestDomain: string;
  eastWestRangeDomains: string[];
  eastWestRangePredicates: PredicateCall[];
  annotationPredicates: AnnotationPredicates[];
  annotationFiltersAppend: AnnotationFilters[];
  eastWestRangeAnnotationPredicates: AnnotationPredicates[];
  eastWestRangeAnnotationFiltersAppend: AnnotationFilters[];
  ingressLabelSelectors: Record<string, string>;
  servicesLabelSelectors: Record<string, string>;
  endpointsLabelSelectors: Record<string, string>;
  endpointSlicesLabelSelectors: Record<string, string>;
  routeGroupsLabelSelectors: Record<string, string>;
  forceKubernetesService: boolean;
  /** Default "roundRobin"; an invalid value or "none" becomes "roundRobin". */
  defaultLoadBalancerAlgorithm: string;
  backendTrafficAlgorithm: BackendTrafficAlgorithm;
  enableEndpointSlices: boolean;
  /** Load Secrets and serve TLS by SNI. */
  enableTLS: boolean;
  onlyAllowedExternalNames: boolean;
  /** Unanchored regexps; default [".*"] when onlyAllowedExternalNames is false. */
  allowedExternalNames: string[];
  enableExternalNames: boolean;
  externalNamePreserveHost: boolean;
  topologyZone: string;
  backendNameTracingTag: boolean;
  forwardBackendURL: string;
  defaultFiltersDir: string;
  applicationAnnotationLabelKey: string;
  /**
   * skipjack only (`-kubernetes-max-object-bytes`): an API object larger than this (estimated as its JSON text)
   * is refused and logged by kind, namespace and name; the others keep being served. Default 8 MiB, above the
   * API server's own 3 MiB request limit and etcd's 1.5 MiB value limit, so real objects never reach it.
   */
  maxObjectBytes: number;
  /**
   * skipjack only (`-kubernetes-max-routes-per-object`): an Ingress or RouteGroup converting to more routes than
   * this is refused and logged by kind, namespace and name. Default 10,000.
   */
  maxRoutesPerObject: number;
}

/** Default of {@link KubeOptions.maxObjectBytes}. */
export const DEFAULT_MAX_OBJECT_BYTES = 8 << 20;
/** Default of {@link KubeOptions.maxRoutesPerObject}. */
export const DEFAULT_MAX_ROUTES_PER_OBJECT = 10_000;

/** Skipper's defaults. */
export function defaultKubeOptions(): KubeOptions {
  return {
    inCluster: false,
    url: '',
    tokenFile: '',
    namespace: '',
    ingressClass: 'skipper',
    routeGroupClass: 'skipper',
    provideHealthcheck: false,
    reverseSourcePredicate: false,
    whitelistedHealthCheckCIDR: [],
    provideHTTPSRedirect: false,
    httpsRedirectCode: 308,
    disableCatchAllRoutes: false,
    pathMode: 'kubernetes-ingress',
    enableEastWest: false,
    eastWestDomain: '',
    eastWestRangeDomains: [],
    eastWestRangePredicates: [],
    annotationPredicates: [],
    annotationFiltersAppend: [],
    eastWestRangeAnnotationPredicates: [],
    eastWestRangeAnnotationFiltersAppend: [],
    ingressLabelSelectors: {},
    servicesLabelSelectors: {},
    endpointsLabelSelectors: {},
    endpointSlicesLabelSelectors: {},
    routeGroupsLabelSelectors: {},
    forceKubernetesService: false,
    defaultLoadBalancerAlgorithm: 'roundRobin',
    backendTrafficAlgorithm: 'traffic-predicate',
    enableEndpointSlices: false,
    enableTLS: false,
    onlyAllowedExternalNames: false,
    allowedExternalNames: [],
    enableExternalNames: false,
    externalNamePreserveHost: false,
    topologyZone: '',
    backendNameTracingTag: false,
    forwardBackendURL: '',
    defaultFiltersDir: '',
    applicationAnnotationLabelKey: '',
    maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
    maxRoutesPerObject: DEFAULT_MAX_ROUTES_PER_OBJECT,
  };
}
