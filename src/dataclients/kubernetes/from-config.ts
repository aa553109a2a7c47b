/**
 * `-kubernetes-…` flags → KubeOptions, with the defaults Skipper's kubernetes.New fills in (redirect code 308,
 * east-west domain, default LB algorithm, allowed external names).
 */
import type { Config } from '../../config/table.ts';
import { parseFilters, parsePredicates } from '../../eskip/index.ts';
import { normalizeOptions } from './convert/index.ts';
import type { AnnotationFilters, AnnotationPredicates, KubeOptions, PathMode } from './options.ts';

/** `key=value=<eskip>`, as Skipper splits it: the first two `=` separate key and value. */
function splitAnnotationRule(flag: string, raw: string): [string, string, string] {
  const i = raw.indexOf('=');
  const j = i < 0 ? -1 : raw.indexOf('=', i + 1);
  if (i < 0 || j < 0) throw new Error(`invalid value "${raw}" for flag -${flag}: expected <annotation key>=<annotation value>=<eskip>`);
  return [raw.slice(0, i), raw.slice(i + 1, j), raw.slice(j + 1)];
}

function eskip<T>(flag: string, raw: string, parse: (s: string) => T): T {
  try {
    return parse(raw);
  } catch (err) {
    throw new Error(`invalid value "${raw}" for flag -${flag}: ${(err as Error).message}`);
  }
}

function annotationPredicates(flag: string, values: readonly string[]): AnnotationPredicates[] {
  return values.map((raw) => {
    const [key, value, expr] = splitAnnotationRule(flag, raw);
    return { key, value, predicates: eskip(flag, expr, parsePredicates) };
  });
}

function annotationFilters(flag: string, values: readonly string[]): AnnotationFilters[] {
  return values.map((raw) => {
    const [key, value, expr] = splitAnnotationRule(flag, raw);
    return { key, value, filters: eskip(flag, expr, parseFilters) };
  });
}

/** Maps the parsed configuration to data-client options; throws an Error naming the flag on bad values. */
export function kubeOptionsFromConfig(c: Config): KubeOptions {
  const o: KubeOptions = {
    inCluster: c.kubernetesInCluster,
    url: c.kubernetesUrl,
    tokenFile: c.kubernetesTokenFile,
    namespace: c.kubernetesNamespace,
    ingressClass: c.kubernetesIngressClass,
    routeGroupClass: c.kubernetesRoutegroupClass,
    provideHealthcheck: c.kubernetesHealthcheck,
    reverseSourcePredicate: c.reverseSourcePredicate,
    whitelistedHealthCheckCIDR: [...c.whitelistedHealthcheckCidr],
    provideHTTPSRedirect: c.kubernetesHttpsRedirect,
    httpsRedirectCode: c.kubernetesHttpsRedirectCode,
    disableCatchAllRoutes: c.kubernetesDisableCatchallRoutes,
    pathMode: c.kubernetesPathMode as PathMode,
    enableEastWest: c.enableKubernetesEastWest,
    eastWestDomain: c.kubernetesEastWestDomain,
    eastWestRangeDomains: [...c.kubernetesEastWestRangeDomains],
    eastWestRangePredicates:
      c.kubernetesEastWestRangePredicates === ''
        ? []
        : eskip('kubernetes-east-west-range-predicates', c.kubernetesEastWestRangePredicates, parsePredicates),
    annotationPredicates: annotationPredicates('kubernetes-annotation-predicates', c.kubernetesAnnotationPredicates),
    annotationFiltersAppend: annotationFilters('kubernetes-annotation-filters-append', c.kubernetesAnnotationFiltersAppend),
    eastWestRangeAnnotationPredicates: annotationPredicates(
      'kubernetes-east-west-range-annotation-predicates',
      c.kubernetesEastWestRangeAnnotationPredicates,
    ),
    eastWestRangeAnnotationFiltersAppend: annotationFilters(
      'kubernetes-east-west-range-annotation-filters-append',
      c.kubernetesEastWestRangeAnnotationFiltersAppend,
    ),
    ingressLabelSelectors: { ...c.kubernetesIngressesLabelSelector },
    servicesLabelSelectors: { ...c.kubernetesServicesLabelSelector },
    endpointsLabelSelectors: { ...c.kubernetesEndpointsLabelSelector },
    endpointSlicesLabelSelectors: { ...c.kubernetesEndpointslicesLabelSelector },
    routeGroupsLabelSelectors: { ...c.kubernetesRoutegroupsLabelSelector },
    forceKubernetesService: c.kubernetesForceService,
    defaultLoadBalancerAlgorithm: c.kubernetesDefaultLbAlgorithm,
    backendTrafficAlgorithm: c.kubernetesBackendTrafficAlgorithm as KubeOptions['backendTrafficAlgorithm'],
    enableEndpointSlices: c.enableKubernetesEndpointslices,
    enableTLS: c.kubernetesEnableTls,
    onlyAllowedExternalNames: c.kubernetesOnlyAllowedExternalNames,
    allowedExternalNames: c.kubernetesOnlyAllowedExternalNames ? [...c.kubernetesAllowedExternalName] : ['.*'],
    enableExternalNames: c.enableKubernetesExternalNames,
    externalNamePreserveHost: c.kubernetesExternalNamePreserveHost,
    topologyZone: c.kubernetesTopologyZone,
    backendNameTracingTag: c.kubernetesBackendNameTracingTag || c.opentracingBackendNameTag,
    forwardBackendURL: c.forwardBackendUrl,
    defaultFiltersDir: c.defaultFiltersDir,
    applicationAnnotationLabelKey: c.kubernetesApplicationAnnotationLabel,
    maxObjectBytes: c.kubernetesMaxObjectBytes,
    maxRoutesPerObject: c.kubernetesMaxRoutesPerObject,
  };
  for (const [flag, rx] of [
    ['kubernetes-ingress-class', o.ingressClass],
    ['kubernetes-routegroup-class', o.routeGroupClass],
    ...o.allowedExternalNames.map((x) => ['kubernetes-allowed-external-name', x] as const),
  ] as const) {
    try {
      new RegExp(rx);
    } catch (err) {
      throw new Error(`invalid value "${rx}" for flag -${flag}: ${(err as Error).message}`);
    }
  }
  return normalizeOptions(o);
}
