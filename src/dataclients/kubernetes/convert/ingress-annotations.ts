/**
 * The `zalando.org/…` annotations of an Ingress, read once per object: validation of the eskip snippets
 * (an invalid one drops the whole Ingress, as Skipper's validator does) and their parsed values.
 */
import { routesUpperBound, tooManyRoutes } from './bounds.ts';
import { DEFAULT_MAX_ROUTES_PER_OBJECT } from '../options.ts';
import type { FilterCall, RouteDef } from '../../../eskip/index.ts';
import { EskipParseError, parse, parseFilters, parsePredicates } from '../../../eskip/index.ts';
import type { PathMode } from '../options.ts';
import type { KubeLogEntry } from './types.ts';

export const ingressFilterAnnotation = 'zalando.org/skipper-filter';
export const ingressPredicateAnnotation = 'zalando.org/skipper-predicate';
export const ingressRoutesAnnotation = 'zalando.org/skipper-routes';
export const ingressBackendAnnotation = 'zalando.org/skipper-backend';
export const backendWeightsAnnotation = 'zalando.org/backend-weights';
export const ratelimitAnnotation = 'zalando.org/ratelimit';
export const loadBalancerAnnotation = 'zalando.org/skipper-loadbalancer';
export const backendProtocolAnnotation = 'zalando.org/skipper-backend-protocol';
export const pathModeAnnotation = 'zalando.org/skipper-ingress-path-mode';
export const trafficZoneAwareAnnotation = 'zalando.org/traffic-zone-aware';

const pathModes: readonly PathMode[] = ['kubernetes-ingress', 'path-regexp', 'path-prefix'];

/** The reason of an eskip error without the line:col prefix, as Skipper prints it. */
export function eskipReason(err: unknown): string {
  return err instanceof EskipParseError ? err.reason : (err as Error).message;
}

/**
 * Skipper's IngressV1Validator: the filter, predicate and routes annotations must parse. Returns the joined
 * reasons, or undefined when valid.
 */
export function validateIngressAnnotations(annotations: Readonly<Record<string, string>>, maxRoutes = DEFAULT_MAX_ROUTES_PER_OBJECT): string | undefined {
  const errs: string[] = [];
  const routes = annotations[ingressRoutesAnnotation];
  // Refused before parsing: a routes annotation of a million routes must not be parsed to be refused.
  if (typeof routes === 'string' && routesUpperBound(routes) > maxRoutes) {
    return `invalid "${ingressRoutesAnnotation}" annotation: ${tooManyRoutes(routesUpperBound(routes), maxRoutes)} (counting ";")`;
  }
  const check = (key: string, fn: (s: string) => unknown) => {
    if (!Object.hasOwn(annotations, key)) return;
    try {
      fn(annotations[key]);
    } catch (err) {
      errs.push(`invalid "${key}" annotation: ${eskipReason(err)}`);
    }
  };
  check(ingressFilterAnnotation, parseFilters);
  check(ingressPredicateAnnotation, parsePredicates);
  check(ingressRoutesAnnotation, parse);
  return errs.length === 0 ? undefined : errs.join('\n');
}

export interface IngressAnnotations {
  /** `zalando.org/ratelimit` then `zalando.org/skipper-filter`, prepended to every backend route. */
  filters: FilterCall[];
  /** The raw `zalando.org/skipper-predicate` text ("" when absent), parsed per route. */
  predicate: string;
  /** Routes of `zalando.org/skipper-routes`. */
  extraRoutes: RouteDef[];
  /** Backend weights by service name. */
  backendWeights: Record<string, number>;
  pathMode: PathMode;
  /** The `zalando.org/skipper-backend` value ("" when absent). */
  backend: string;
  /** LB algorithm: annotation value, else the default. */
  lbAlgorithm: string;
  /** Endpoint URL scheme from `zalando.org/skipper-backend-protocol`; undefined for the default. */
  protocol: string | undefined;
  /** False when `zalando.org/traffic-zone-aware: "false"` opts out of topology-zone filtering. */
  zoneAware: boolean;
}

type Log = (level: KubeLogEntry['level'], msg: string) => void;

function readWeights(text: string | undefined, log: Log): Record<string, number> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text);
    if (v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into map[string]float64`);
    const out: Record<string, number> = {};
    for (const [k, w] of Object.entries(v)) {
      if (typeof w !== 'number') throw new Error(`cannot unmarshal ${typeof w} into float64 for key ${JSON.stringify(k)}`);
      out[k] = w;
    }
    return out;
  } catch (err) {
    log('error', `Error while parsing backend-weights annotation: ${(err as Error).message}`);
    return {};
  }
}

/** Reads the annotations of a validated Ingress; problems that Skipper only logs are logged here too. */
export function readIngressAnnotations(
  annotations: Readonly<Record<string, string>>,
  defaults: { pathMode: PathMode; lbAlgorithm: string },
  log: Log,
): IngressAnnotations {
  const a = (k: string): string | undefined => (Object.hasOwn(annotations, k) ? annotations[k] : undefined);
  let filterText = a(ratelimitAnnotation) ?? '';
  const f = a(ingressFilterAnnotation);
  if (f !== undefined) filterText = filterText !== '' ? `${filterText} -> ${f}` : f;
  let filters: FilterCall[] = [];
  if (filterText !== '') {
    try {
      filters = parseFilters(filterText);
    } catch (err) {
      log('error', `Cannot parse annotation filters: ${eskipReason(err)}`);
    }
  }
  const zoneAware = a(trafficZoneAwareAnnotation) !== 'false';

  let extraRoutes: RouteDef[] = [];
  const routesText = a(ingressRoutesAnnotation);
  if (routesText !== undefined && routesText !== '') {
    try {
      extraRoutes = parse(routesText);
    } catch {
      // Already reported by validateIngressAnnotations.
    }
  }

  let pathMode = defaults.pathMode;
  const pm = a(pathModeAnnotation);
  if (pm !== undefined) {
    if ((pathModes as readonly string[]).includes(pm)) pathMode = pm as PathMode;
    else log('error', `Failed to get path mode: invalid path mode string: ${pm}`);
  }

  return {
    filters,
    predicate: a(ingressPredicateAnnotation) ?? '',
    extraRoutes,
    backendWeights: readWeights(a(backendWeightsAnnotation), log),
    pathMode,
    backend: a(ingressBackendAnnotation) ?? '',
    lbAlgorithm: a(loadBalancerAnnotation) ?? defaults.lbAlgorithm,
    protocol: a(backendProtocolAnnotation),
    zoneAware,
  };
}
