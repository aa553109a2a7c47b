/**
 * One Ingress → its default-backend route and its host routes (path rules, redirect twins, extra routes from
 * `zalando.org/skipper-routes`, east-west copies), following Skipper's ingressv1.go step by step.
 */
import type { PredicateCall, RouteDef } from '../../../eskip/index.ts';
import { parsePredicates } from '../../../eskip/index.ts';
import { appendAnnotationFilters, appendAnnotationPredicates } from './annotation-rules.ts';
import type { SharedContext } from './context.ts';
import { copyRoute, createEastWestRouteIng, eastWestHost } from './east-west.ts';
import { createHostRx, isEastWestHost, setHostRegexps } from './hosts.ts';
import { createIngressDisableHTTPSRedirect, createIngressEnableHTTPSRedirect, hasProtoPredicate } from './https-redirect.ts';
import type { IngressAnnotations } from './ingress-annotations.ts';
import { eskipReason, readIngressAnnotations } from './ingress-annotations.ts';
import type { BackendLookup, IngressBackendRef } from './ingress-backend.ts';
import { backendRoute, readBackendRef } from './ingress-backend.ts';
import { applyAnnotationPredicates, countPathPredicates, setPathV1 } from './ingress-paths.ts';
import { RedirectInfo } from './ingress-redirect.ts';
import { stringAnnotations } from './ingress-select.ts';
import { routeID, routeIDForCustom } from './route-id.ts';
import type { BackendTraffic } from './traffic.ts';
import { trafficCalculator } from './traffic.ts';
import type { KubeLogEntry, KubeObject } from './types.ts';

interface PathRule {
  path: string;
  pathType: string;
  backend: IngressBackendRef;
}

interface Rule {
  host: string;
  /** Undefined when the rule has no `http` section. */
  paths: PathRule[] | undefined;
}

/** The per-Ingress state of one conversion. */
export interface IngressContext extends BackendLookup {
  obj: KubeObject;
  annotations: Readonly<Record<string, string>>;
  ann: IngressAnnotations;
  /** Parsed `zalando.org/skipper-predicate`. */
  predicates: PredicateCall[];
  redirect: RedirectInfo;
  /** Host routes of this Ingress, in the order they were added. */
  hostRoutes: [string, RouteDef][];
}

/** Thrown for an Ingress that cannot be converted; the caller drops all its routes and logs the message. */
export class InvalidIngressError extends Error {}

function readRules(spec: any, ns: string, name: string): Rule[] {
  const rules: Rule[] = [];
  for (const ru of Array.isArray(spec.rules) ? spec.rules : []) {
    const host = typeof ru?.host === 'string' ? ru.host : '';
    if (ru?.http === null || typeof ru?.http !== 'object') {
      rules.push({ host, paths: undefined });
      continue;
    }
    const paths: PathRule[] = [];
    for (const p of Array.isArray(ru.http.paths) ? ru.http.paths : []) {
      const backend = readBackendRef(p?.backend);
      if (backend === undefined) throw new InvalidIngressError(`invalid path rule, missing backend in: ${ns}/${name}/${host}`);
      paths.push({ path: typeof p.path === 'string' ? p.path : '', pathType: typeof p.pathType === 'string' ? p.pathType : '', backend });
    }
    rules.push({ host, paths });
  }
  return rules;
}

/** `zalando.org/skipper-backend: forward` with `-kubernetes-forward-backend-url` turns routes into plain forwards. */
function applyForwardBackend(ic: IngressContext, r: RouteDef, extra = false): void {
  const url = ic.ctx.opts.forwardBackendURL;
  if (url === '' || ic.ann.backend !== 'forward') return;
  r.filters = [];
  // Extra routes keep their own shunt, loopback or dynamic backend (fixture forward-custom-route).
  if (extra && r.backendType !== 'network' && r.backendType !== 'lb') return;
  r.backendType = 'network';
  r.backend = url;
  delete r.lbAlgorithm;
  delete r.lbEndpoints;
}

function addHostRoute(ic: IngressContext, host: string, r: RouteDef, extra = false): void {
  applyForwardBackend(ic, r, extra);
  ic.hostRoutes.push([host, r]);
}

function appendRules(ic: IngressContext, host: string, r: RouteDef): void {
  const o = ic.ctx.opts;
  if (isEastWestHost(host, o.eastWestRangeDomains)) {
    appendAnnotationPredicates(o.eastWestRangeAnnotationPredicates, ic.annotations, r);
    appendAnnotationFilters(o.eastWestRangeAnnotationFiltersAppend, ic.annotations, r);
  } else {
    appendAnnotationPredicates(o.annotationPredicates, ic.annotations, r);
    appendAnnotationFilters(o.annotationFiltersAppend, ic.annotations, r);
  }
}

/** Extra routes of `zalando.org/skipper-routes`, once per path rule, bound to the rule's host and path. */
function addExtraRoutes(ic: IngressContext, host: string, path: string, pathType: string): void {
  const o = ic.ctx.opts;
  ic.ann.extraRoutes.forEach((extra, index) => {
    const route = copyRoute(extra);
    delete route.pos;
    setHostRegexps(route, [createHostRx(host)]);
    route.id = routeIDForCustom(ic.namespace, ic.name, extra.id, host + path.replaceAll('/', '_'), index);
    setPathV1(ic.ann.pathMode, route, pathType, path);
    const n = countPathPredicates(route);
    if (n <= 1) {
      appendRules(ic, host, route);
      addHostRoute(ic, host, route, true);
      ic.redirect.updateHost(host);
    } else {
      ic.log('error', `Ignoring route due to multiple path predicates: ${n} path predicates, route: ${route.id}`);
    }
    if (o.enableEastWest) {
      const ew = createEastWestRouteIng(o.eastWestDomain, ic.name, ic.namespace, route);
      if (ew !== undefined) addHostRoute(ic, eastWestHost(ic.name, ic.namespace, o.eastWestDomain), ew, true);
    }
  });
}

function addEndpointsRule(ic: IngressContext, host: string, prule: PathRule, traffic: BackendTraffic): void {
  const o = ic.ctx.opts;
  const id = routeID(ic.namespace, ic.name, host, prule.path, prule.backend.service);
  const res = backendRoute(ic, prule.backend, host, id, (r) => {
    setPathV1(ic.ann.pathMode, r, prule.pathType, prule.path);
    traffic.apply(r);
  });
  if ('kind' in res) {
    if (res.kind === 'external-name-not-allowed') ic.log('info', `Not allowed external name: ${res.message}`);
    return;
  }
  const route = res.route;
  if (route.backendType !== 'shunt') route.filters = [...ic.ann.filters.map((f) => ({ name: f.name, args: [...f.args] })), ...route.filters];
  try {
    route.filters = [...ic.ctx.defaultFilters.get(ic.namespace, prule.backend.service), ...route.filters];
  } catch (err) {
    ic.log('error', `Failed to retrieve default filters: ${(err as Error).message}`);
  }
  applyAnnotationPredicates(ic.ann.pathMode, route, ic.predicates);
  addHostRoute(ic, host, route);

  const rd = ic.redirect;
  const ewDomain = o.eastWestDomain;
  // A route that already matches on X-Forwarded-Proto decides the scheme itself: no redirect twin.
  const internal = isEastWestHost(host, o.eastWestRangeDomains) || (ewDomain !== '' && host.endsWith(ewDomain));
  if (!internal && !hasProtoPredicate(route)) {
    if (rd.enable || (!rd.disable && rd.defaultEnabled)) {
      addHostRoute(ic, host, createIngressEnableHTTPSRedirect(route, rd.code));
      rd.setHost(host);
    } else if (rd.disable) {
      addHostRoute(ic, host, createIngressDisableHTTPSRedirect(route));
      rd.setHostDisabled(host);
    }
  }
  // After the redirect twins: they do not get the operator's annotation predicates and filters.
  appendRules(ic, host, route);
  if (o.enableEastWest) {
    const ew = createEastWestRouteIng(ewDomain, ic.name, ic.namespace, route);
    if (ew !== undefined) addHostRoute(ic, eastWestHost(ic.name, ic.namespace, ewDomain), ew);
  }
}

function addRule(ic: IngressContext, rule: Rule): void {
  if (rule.paths === undefined) {
    ic.log('info', 'Skipping rule without http definition');
    return;
  }
  // Backends sharing a path split its traffic by their weights.
  const byPath = new Map<string, { name: string; weight: number }[]>();
  for (const p of rule.paths) {
    let l = byPath.get(p.path);
    if (l === undefined) byPath.set(p.path, (l = []));
    l.push({ name: p.backend.service, weight: ic.ann.backendWeights[p.backend.service] ?? 0 });
  }
  const calc = trafficCalculator(ic.ctx.opts.backendTrafficAlgorithm);
  const traffic = new Map<string, Map<string, BackendTraffic>>();
  for (const [path, backends] of byPath) traffic.set(path, calc(backends));
  for (const p of rule.paths) {
    addExtraRoutes(ic, rule.host, p.path, p.pathType);
    const t = traffic.get(p.path)!.get(p.backend.service)!;
    if (t.allowed()) addEndpointsRule(ic, rule.host, p, t);
  }
}

function defaultBackendRoute(ic: IngressContext): RouteDef | undefined {
  const ref = readBackendRef(ic.obj.spec.defaultBackend);
  if (ref === undefined) return undefined;
  const res = backendRoute(ic, ref, '', routeID(ic.namespace, ic.name, '', '', ''), () => {});
  if ('kind' in res) {
    ic.log('error', `Failed to convert default backend: ${res.kind === 'service-not-found' ? 'service not found' : res.message}`);
    return undefined;
  }
  applyForwardBackend(ic, res.route);
  return res.route;
}

/** The result of converting one Ingress. */
export interface IngressRoutes {
  ctx: IngressContext;
  defaultRoute: RouteDef | undefined;
  rules: Rule[];
}

/**
 * Converts one Ingress. Throws {@link InvalidIngressError} when the object cannot be converted at all.
 * Its redirect state records which hosts' catch-all routes need redirect twins; the caller merges those of
 * all Ingresses in order (Skipper shares one map, later Ingresses overriding earlier ones).
 */
export function convertIngress(ctx: SharedContext, obj: KubeObject): IngressRoutes {
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name;
  const log = (level: KubeLogEntry['level'], msg: string) => ctx.log({ level, msg, kind: 'Ingress', ns, name });
  if (ns === '' || name === '' || obj.spec === null || typeof obj.spec !== 'object') {
    throw new InvalidIngressError('invalid ingress item: missing Metadata or Spec');
  }
  const annotations = stringAnnotations(obj);
  const redirect = new RedirectInfo(ctx.opts.provideHTTPSRedirect, ctx.opts.httpsRedirectCode);
  redirect.initCurrent(annotations, log);
  const ann = readIngressAnnotations(annotations, { pathMode: ctx.opts.pathMode, lbAlgorithm: ctx.opts.defaultLoadBalancerAlgorithm }, log);
  let predicates: PredicateCall[] = [];
  if (ann.predicate !== '') {
    try {
      predicates = parsePredicates(ann.predicate);
    } catch (err) {
      log('error', `Failed to apply annotation predicates: ${eskipReason(err)}`);
    }
  }
  const ic: IngressContext = {
    ctx,
    namespace: ns,
    name,
    protocol: ann.protocol,
    lbAlgorithm: ann.lbAlgorithm,
    zone: ann.zoneAware ? ctx.opts.topologyZone : '',
    zoneAware: ann.zoneAware,
    log,
    obj,
    annotations,
    ann,
    predicates,
    redirect,
    hostRoutes: [],
  };
  const rules = readRules(obj.spec, ns, name);
  const defaultRoute = defaultBackendRoute(ic);
  for (const rule of rules) addRule(ic, rule);
  return { ctx: ic, defaultRoute, rules };
}
