/**
 * The `.kube` and `.api` files of a fixture set, decoded as Skipper's test does: yaml.v2 into a struct, so
 * unknown keys are ignored, string fields keep their scalar text (`name: True` → "True") and a value of the
 * wrong type is an error.
 */
import type { Arg, PredicateCall } from '../../src/eskip/ast.ts';
import { parseYaml11, type YamlPath } from '../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type AnnotationFilters, type AnnotationPredicates, type KubeOptions } from '../../src/dataclients/kubernetes/options.ts';
import type { KubeApiOptions } from '../support/kube-apiserver.ts';

type FieldType = 'bool' | 'int' | 'string' | 'strings' | 'labels' | 'predicates' | 'annotationPredicates' | 'annotationFilters';

/** `.kube` key → option field and type (Skipper's kubeOptionsParser). */
const KUBE_KEYS: Record<string, [keyof KubeOptions | null, FieldType]> = {
  ingressv1: [null, 'bool'],
  eastWest: ['enableEastWest', 'bool'],
  eastWestDomain: ['eastWestDomain', 'string'],
  eastWestRangeDomains: ['eastWestRangeDomains', 'strings'],
  eastWestRangePredicatesAppend: ['eastWestRangePredicates', 'predicates'],
  httpsRedirect: ['provideHTTPSRedirect', 'bool'],
  httpsRedirectCode: ['httpsRedirectCode', 'int'],
  disableCatchAllRoutes: ['disableCatchAllRoutes', 'bool'],
  backendNameTracingTag: ['backendNameTracingTag', 'bool'],
  onlyAllowedExternalNames: ['onlyAllowedExternalNames', 'bool'],
  allowedExternalNames: ['allowedExternalNames', 'strings'],
  enableExternalNames: ['enableExternalNames', 'bool'],
  externalNamePreserveHost: ['externalNamePreserveHost', 'bool'],
  kubernetesAnnotationPredicates: ['annotationPredicates', 'annotationPredicates'],
  kubernetesAnnotationFiltersAppend: ['annotationFiltersAppend', 'annotationFilters'],
  kubernetesEastWestRangeAnnotationPredicates: ['eastWestRangeAnnotationPredicates', 'annotationPredicates'],
  kubernetesEastWestRangeAnnotationFiltersAppend: ['eastWestRangeAnnotationFiltersAppend', 'annotationFilters'],
  'kubernetes-ingresses-label-selector': ['ingressLabelSelectors', 'labels'],
  'kubernetes-services-label-selector': ['servicesLabelSelectors', 'labels'],
  'kubernetes-endpoints-label-selector': ['endpointsLabelSelectors', 'labels'],
  'kubernetes-endpointslice-label-selector': [null, 'labels'],
  'kubernetes-ingress-class': ['ingressClass', 'string'],
  'default-lb-algorithm': ['defaultLoadBalancerAlgorithm', 'string'],
  'topology-zone': ['topologyZone', 'string'],
  'forward-backend-url': ['forwardBackendURL', 'string'],
  'kubernetes-application-annotation-label': ['applicationAnnotationLabelKey', 'string'],
  'force-kubernetes-service': ['forceKubernetesService', 'bool'],
  'enable-kubernetes-endpointslices': ['enableEndpointSlices', 'bool'],
  'kubernetes-enable-tls': ['enableTLS', 'bool'],
  'backend-traffic-algorithm': ['backendTrafficAlgorithm', 'string'],
};

/** Paths whose scalars decode into Go strings (and so keep their source text). */
function isStringPath(p: YamlPath): boolean {
  const spec = KUBE_KEYS[String(p[0])];
  if (!spec) return false;
  const [, t] = spec;
  switch (t) {
    case 'string':
      return p.length === 1;
    case 'strings':
    case 'labels':
      return p.length === 2;
    case 'predicates':
      return p.length === 3 && p[2] === 'name';
    case 'annotationPredicates':
    case 'annotationFilters':
      return (p.length === 3 && (p[2] === 'key' || p[2] === 'value')) || (p.length === 5 && p[4] === 'name');
    default:
      return false;
  }
}

function fail(key: string, what: string): never {
  throw new Error(`.kube: ${key}: ${what}`);
}

function calls(key: string, v: unknown): { name: string; args: Arg[] }[] {
  if (v === null) return [];
  if (!Array.isArray(v)) fail(key, 'expected a list');
  return v.map((c) => {
    if (typeof c !== 'object' || c === null) fail(key, 'expected {name, args}');
    const { name, args } = c as { name?: unknown; args?: unknown };
    const list = args === undefined || args === null ? [] : Array.isArray(args) ? args : fail(key, 'args must be a list');
    return { name: name === undefined || name === null ? '' : String(name), args: list as Arg[] };
  });
}

function annotationRules<T extends 'predicates' | 'filters'>(key: string, v: unknown, field: T) {
  if (v === null) return [];
  if (!Array.isArray(v)) fail(key, 'expected a list');
  return v.map((r: Record<string, unknown>) => ({
    key: String(r?.key ?? ''),
    value: String(r?.value ?? ''),
    [field]: calls(key, r?.[field] ?? null),
  }));
}

/** Decodes a `.kube` file into options (Skipper's zero values and constructor defaults for the rest). */
export function parseKubeFile(text: string, defaultFiltersDir = ''): KubeOptions {
  const o = defaultKubeOptions();
  o.defaultFiltersDir = defaultFiltersDir;
  const doc = parseYaml11(text, '.kube', isStringPath)[0] ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) fail('(document)', 'expected a mapping');
  const target = o as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    const spec = KUBE_KEYS[key];
    if (!spec) continue;
    const [field, t] = spec;
    let value: unknown;
    switch (t) {
      case 'bool':
        if (v !== null && typeof v !== 'boolean') fail(key, `cannot decode ${JSON.stringify(v)} as a bool`);
        value = v === true;
        break;
      case 'int':
        if (v !== null && !Number.isInteger(v)) fail(key, `cannot decode ${JSON.stringify(v)} as an int`);
        value = v ?? 0;
        break;
      case 'string':
        if (v !== null && typeof v === 'object') fail(key, 'cannot decode a collection as a string');
        value = v === null ? '' : String(v);
        break;
      case 'strings':
        if (v !== null && !Array.isArray(v)) fail(key, 'expected a list of strings');
        value = ((v as unknown[] | null) ?? []).map(String);
        break;
      case 'labels':
        if (v !== null && (typeof v !== 'object' || Array.isArray(v))) fail(key, 'expected a map');
        value = Object.fromEntries(Object.entries((v as Record<string, unknown>) ?? {}).map(([k, x]) => [k, String(x)]));
        break;
      case 'predicates':
        value = calls(key, v) as PredicateCall[];
        break;
      case 'annotationPredicates':
        value = annotationRules(key, v, 'predicates') as unknown as AnnotationPredicates[];
        break;
      case 'annotationFilters':
        value = annotationRules(key, v, 'filters') as unknown as AnnotationFilters[];
        break;
    }
    if (field === null) continue;
    if (field === 'backendTrafficAlgorithm' && value !== 'traffic-predicate' && value !== 'traffic-segment-predicate') {
      fail(key, `invalid backend traffic algorithm: ${JSON.stringify(value)}`);
    }
    target[field] = value;
  }
  return o;
}

/** Decodes an `.api` file (failOn, findNot, disableRouteGroups). */
export function parseApiFile(text: string): KubeApiOptions {
  const doc = (parseYaml11(text, '.api', (p) => (p[0] === 'failOn' || p[0] === 'findNot') && p.length === 2)[0] ?? {}) as Record<string, unknown>;
  const list = (k: string) => (Array.isArray(doc[k]) ? (doc[k] as unknown[]).map(String) : []);
  return { failOn: list('failOn'), findNot: list('findNot'), disableRouteGroups: doc.disableRouteGroups === true };
}
