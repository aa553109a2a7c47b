/**
 * All Ingresses → routes: per-Ingress conversion, then per host the east-west range predicates and a
 * catch-all `<shunt>` route (unless a route already matches every path), then east-west copies of the
 * default-backend routes. TLS certificates are collected when `-kubernetes-enable-tls` is on.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { KubeOptions } from '../options.ts';
import type { SharedContext } from './context.ts';
import { applyEastWestRange, copyRoute, createEastWestRouteIng } from './east-west.ts';
import { isEastWestHost } from './hosts.ts';
import { tagRoute, tooManyRoutes } from './bounds.ts';
import { createIngressDisableHTTPSRedirect, createIngressEnableHTTPSRedirect } from './https-redirect.ts';
import type { IngressContext } from './ingress-object.ts';
import { InvalidIngressError, convertIngress } from './ingress-object.ts';
import { hasCatchAllRoute } from './ingress-paths.ts';
import { RedirectInfo } from './ingress-redirect.ts';
import { selectIngresses } from './ingress-select.ts';
import { routeID } from './route-id.ts';
import { certificateFromSecret, goStringList, matchingTLSHosts } from './tls.ts';
import type { KubeLogger, KubeObject, TLSCertificate } from './types.ts';

export interface IngressConversion {
  routes: RouteDef[];
  certificates: TLSCertificate[];
}

/** The catch-all route of a host and its redirect twins (no east-west twin: Skipper has no name for it). */
function catchAllRoutes(host: string, first: RouteDef, redirectCode: number | undefined, disableRedirect: boolean): RouteDef[] {
  const catchAll: RouteDef = {
    id: routeID('', 'catchall', host, '', ''),
    predicates: first.predicates.filter((p) => p.name === 'Host').map((p) => ({ name: p.name, args: [...p.args] })),
    filters: [],
    backendType: 'shunt',
  };
  const out = [catchAll];
  if (redirectCode !== undefined) out.push(createIngressEnableHTTPSRedirect(catchAll, redirectCode));
  if (disableRedirect) out.push(createIngressDisableHTTPSRedirect(catchAll));
  return out;
}

/**
 * The routes of one host, in order: the Ingress routes for it (east-west range predicates applied, to copies
 * for east-west range hosts so parts stay reusable), then its catch-all route and redirect twins unless a route
 * already matches every path. `redirectCode` and `disableRedirect` are the merged redirect state of the host.
 */
export function hostRoutesBlock(o: KubeOptions, host: string, list: RouteDef[], redirectCode: number | undefined, disableRedirect: boolean): RouteDef[] {
  const rs = isEastWestHost(host, o.eastWestRangeDomains) ? list.map(copyRoute) : list;
  applyEastWestRange(o.eastWestRangeDomains, o.eastWestRangePredicates, host, rs);
  if (o.disableCatchAllRoutes || hasCatchAllRoute(rs)) return rs;
  return [...rs, ...catchAllRoutes(host, rs[0]!, redirectCode, disableRedirect)];
}

/** The east-west copies of the default routes among `routes` (`owners`: default route id → [namespace, name]). */
export function eastWestDefaultRoutes(o: KubeOptions, routes: readonly RouteDef[], owners: ReadonlyMap<string, readonly [string, string]>): RouteDef[] {
  const ew: RouteDef[] = [];
  for (const r of routes) {
    const owner = owners.get(r.id);
    const e = owner === undefined ? undefined : createEastWestRouteIng(o.eastWestDomain, owner[0], owner[1], r);
    if (e !== undefined) ew.push(e);
  }
  return ew;
}

function collectCertificates(ic: IngressContext, ruleHosts: string[], secrets: ReadonlyMap<string, KubeObject>, out: TLSCertificate[]): void {
  for (const t of Array.isArray(ic.obj.spec.tls) ? ic.obj.spec.tls : []) {
    const tlsHosts: string[] = Array.isArray(t?.hosts) ? t.hosts.filter((h: unknown) => typeof h === 'string') : [];
    const hosts = matchingTLSHosts(tlsHosts, ruleHosts);
    if (hosts.length === 0) {
      ic.log('error', `No matching tls hosts found - tls hosts: ${goStringList(tlsHosts)}, ingress hosts: ${goStringList(ruleHosts)}`);
      continue;
    }
    if (hosts.length !== tlsHosts.length) {
      ic.log('info', `Hosts in TLS and Ingress don't match: tls hosts: ${goStringList(tlsHosts)}, ingress hosts: ${goStringList(ruleHosts)}`);
    }
    const secretName = typeof t.secretName === 'string' ? t.secretName : '';
    if (secretName === '') {
      ic.log('debug', `No tls secret defined for hosts - ${goStringList(tlsHosts)}`);
      continue;
    }
    const secret = secrets.get(`${ic.namespace}/${secretName}`);
    if (secret === undefined) {
      ic.log('error', `Failed to find secret ${secretName} in namespace ${ic.namespace}`);
      continue;
    }
    addCertificate(hosts, secret, { kind: 'Ingress', namespace: ic.namespace, name: ic.name }, ic.ctx.log, out);
  }
}

/**
 * Validates a TLS Secret and records its certificate for the hosts, logging as Skipper's certificate
 * registry does; shared with the RouteGroup conversion.
 */
export function addCertificate(
  hosts: string[],
  secret: KubeObject,
  obj: { kind: string; namespace: string; name: string },
  log: KubeLogger,
  out: TLSCertificate[],
): void {
  const cert = certificateFromSecret(secret, hosts);
  if (cert instanceof Error) {
    log({ level: 'error', msg: `Failed to generate TLS certificate from secret: ${cert.message}`, kind: obj.kind, ns: obj.namespace, name: obj.name });
    return;
  }
  for (const h of hosts) log({ level: 'info', msg: `adding certificate to registry - ${h}` });
  out.push(cert);
}

/** What one Ingress contributes; immutable once built, so the incremental converter can reuse it. */
export interface IngressPart {
  readonly namespace: string;
  readonly name: string;
  readonly defaultRoute: RouteDef | undefined;
  readonly hostRoutes: readonly (readonly [string, RouteDef])[];
  /** Hosts whose catch-all needs a redirect twin, with the code; hosts needing a disable twin. */
  readonly redirectHosts: ReadonlyMap<string, number>;
  readonly disableRedirectHosts: ReadonlySet<string>;
  readonly certificates: readonly TLSCertificate[];
}

/** Converts one selected Ingress; undefined (logged) when it cannot be converted at all. */
export function convertIngressPart(ctx: SharedContext, obj: KubeObject): IngressPart | undefined {
  let converted;
  try {
    converted = convertIngress(ctx, obj);
  } catch (err) {
    // Whatever is wrong with one Ingress drops only its routes.
    const msg = err instanceof InvalidIngressError ? err.message : `invalid ingress: ${(err as Error).message}`;
    ctx.log({ level: 'error', msg, kind: 'Ingress', ns: obj.metadata.namespace, name: obj.metadata.name });
    return undefined;
  }
  const { ctx: ic, defaultRoute, rules } = converted;
  const count = ic.hostRoutes.length + (defaultRoute === undefined ? 0 : 1);
  if (count > ctx.opts.maxRoutesPerObject) {
    ctx.log({ level: 'error', msg: tooManyRoutes(count, ctx.opts.maxRoutesPerObject), kind: 'Ingress', ns: obj.metadata.namespace, name: obj.metadata.name });
    return undefined;
  }
  if (defaultRoute !== undefined) tagRoute(defaultRoute, 'Ingress', obj.metadata);
  for (const [, r] of ic.hostRoutes) tagRoute(r, 'Ingress', obj.metadata);
  const certificates: TLSCertificate[] = [];
  if (ctx.opts.enableTLS) collectCertificates(ic, rules.map((r) => r.host), ctx.secrets, certificates);
  return {
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    defaultRoute,
    hostRoutes: ic.hostRoutes,
    redirectHosts: ic.redirect.setHostCode,
    disableRedirectHosts: ic.redirect.disableHost,
    certificates,
  };
}

/**
 * Joins the parts of all Ingresses, in order: default routes, then per host its routes (with east-west
 * range predicates, applied to copies so parts stay reusable) and catch-all, then east-west copies of the
 * default routes.
 */
export function assembleIngressRoutes(ctx: SharedContext, parts: readonly IngressPart[]): IngressConversion {
  const o = ctx.opts;
  const routes: RouteDef[] = [];
  const certificates: TLSCertificate[] = [];
  const hostRoutes = new Map<string, RouteDef[]>();
  const defaultRouteOwners = new Map<string, [string, string]>();
  const redirect = new RedirectInfo(o.provideHTTPSRedirect, o.httpsRedirectCode);
  for (const p of parts) {
    if (p.defaultRoute !== undefined) {
      routes.push(p.defaultRoute);
      // Skipper passes namespace and name swapped here, so the east-west host is <namespace>.<name>.<domain>.
      if (o.enableEastWest) defaultRouteOwners.set(p.defaultRoute.id, [p.namespace, p.name]);
    }
    for (const [host, r] of p.hostRoutes) {
      let l = hostRoutes.get(host);
      if (l === undefined) hostRoutes.set(host, (l = []));
      l.push(r);
    }
    for (const [h, code] of p.redirectHosts) redirect.setHostCode.set(h, code);
    for (const h of p.disableRedirectHosts) redirect.disableHost.add(h);
    certificates.push(...p.certificates);
  }

  for (const [host, list] of hostRoutes) {
    routes.push(...hostRoutesBlock(o, host, list, redirect.setHostCode.get(host), redirect.disableHost.has(host)));
  }

  if (o.enableEastWest && defaultRouteOwners.size > 0) {
    const ew = eastWestDefaultRoutes(o, routes, defaultRouteOwners);
    routes.push(...ew);
    ctx.log({ level: 'info', msg: `Enabled east west routes: ${routes.length - ew.length} ${routes.length} ${ew.length} ${hostRoutes.size}` });
  }
  return { routes, certificates };
}

/** Converts the Ingresses of the cluster state. */
export function convertIngresses(ctx: SharedContext): IngressConversion {
  const parts: IngressPart[] = [];
  for (const obj of selectIngresses(ctx.state.ingresses, ctx.opts.ingressClass, ctx.log, undefined, ctx.opts.maxRoutesPerObject)) {
    const p = convertIngressPart(ctx, obj);
    if (p !== undefined) parts.push(p);
  }
  return assembleIngressRoutes(ctx, parts);
}
