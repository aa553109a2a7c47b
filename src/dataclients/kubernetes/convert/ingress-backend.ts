/**
 * The backend route of one Ingress path rule or default backend: endpoints of the referenced service
 * (LB, single network endpoint or 502 shunt), an ExternalName service, or the service's cluster DNS name
 * with `-kubernetes-force-service`.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { SharedContext } from './context.ts';
import { createHostRx } from './hosts.ts';
import { setEndpointsBackend, shuntNoEndpoints } from './lb-backend.ts';
import { routeID } from './route-id.ts';
import type { KubeService, ServicePort } from './services.ts';
import { schemeForTargetPort, serviceNameBackend, servicePortByRef, targetPortString } from './services.ts';
import { trafficZoneAwareAnnotation } from './ingress-annotations.ts';
import type { KubeLogEntry } from './types.ts';

/** An Ingress backend reference (`service.name`, `service.port.name|number`). */
export interface IngressBackendRef {
  service: string;
  /** Go's BackendPortV1.String(): the number unless 0, else the name. */
  port: string;
}

/** Reads `backend.service` of a path rule or default backend; undefined when absent. */
export function readBackendRef(b: any): IngressBackendRef | undefined {
  if (b === null || typeof b !== 'object') return undefined;
  const svc = b.service ?? {};
  const name = typeof svc.name === 'string' ? svc.name : '';
  const num = typeof svc.port?.number === 'number' ? svc.port.number : 0;
  const pname = typeof svc.port?.name === 'string' ? svc.port.name : '';
  return { service: name, port: num !== 0 ? String(num) : pname };
}

/** What one Ingress contributes to a backend lookup. */
export interface BackendLookup {
  ctx: SharedContext;
  namespace: string;
  name: string;
  /** Endpoint URL scheme (`zalando.org/skipper-backend-protocol`); undefined for the default. */
  protocol: string | undefined;
  lbAlgorithm: string;
  /** Topology zone for endpoint filtering, "" for none. */
  zone: string;
  /** False when the object opted out of zone-aware routing (`zalando.org/traffic-zone-aware: "false"`). */
  zoneAware: boolean;
  log: (level: KubeLogEntry['level'], msg: string) => void;
}

/** Why no route was made: the service is missing (route silently dropped) or its external name is not allowed. */
export type BackendFailure = { kind: 'service-not-found' } | { kind: 'external-name-not-allowed'; message: string };

export type BackendResult = { route: RouteDef } | BackendFailure;

function externalNameRoute(l: BackendLookup, idHost: string, hostRx: string[], svc: KubeService, sp: ServicePort): BackendResult {
  if (!l.ctx.isExternalNameAllowed(svc.externalName)) {
    return { kind: 'external-name-not-allowed', message: `ingress with not allowed external name service: ${svc.externalName}` };
  }
  const r: RouteDef = {
    id: routeID(l.namespace, l.name, idHost, '', svc.externalName),
    predicates: hostRx.map((rx) => ({ name: 'Host', args: [rx] })),
    filters: l.ctx.opts.externalNamePreserveHost ? [] : [{ name: 'setRequestHeader', args: ['Host', svc.externalName] }],
    backendType: 'network',
    backend: `${schemeForTargetPort(sp.targetPort)}://${svc.externalName}:${targetPortString(sp.targetPort)}`,
  };
  return { route: r };
}

/**
 * Builds the route for a backend; `host` is "" for the default backend. `addPath` adds path and traffic
 * predicates before the backend is set, in Skipper's order.
 */
export function backendRoute(l: BackendLookup, ref: IngressBackendRef, host: string, id: string, addPath: (r: RouteDef) => void): BackendResult {
  const svc = l.ctx.getService(l.namespace, ref.service);
  if (svc === undefined) {
    l.log('error', `Failed to get service ${ref.service}, ${ref.port}`);
    return { kind: 'service-not-found' };
  }
  const hostRx = host !== '' ? [createHostRx(host)] : [];
  const r: RouteDef = { id, predicates: hostRx.map((rx) => ({ name: 'Host', args: [rx] })), filters: [], backendType: 'shunt' };
  const sp = servicePortByRef(svc, ref.port);
  if (sp === undefined) {
    if (host === '') {
      // Go's %v of []*servicePort prints each port's String(): "name port targetPort".
      const ports = `[${svc.ports.map((p) => `${p.name} ${p.port} ${targetPortString(p.targetPort)}`).join(' ')}]`;
      const reason = `getServicePortV1: service port not found ${ports} given ${ref.port}`;
      l.log('error', `Failed to find target port ${ports}, ${ref.port}, for service ${ref.service} add shuntroute: ${reason}`);
    }
    addPath(r);
    shuntNoEndpoints(r);
    return { route: r };
  }
  if (svc.type === 'ExternalName') return externalNameRoute(l, host === '' ? 'default' : host, hostRx, svc, sp);
  const eps = l.ctx.opts.forceKubernetesService
    ? [{ address: serviceNameBackend(svc, sp) }]
    : l.ctx.endpoints.byServicePort(l.namespace, ref.service, l.protocol, sp, l.zone);
  addPath(r);
  setEndpointsBackend(r, eps, l.lbAlgorithm);
  // Marks the route for the route server, which would otherwise filter its endpoints by zone.
  if (!l.zoneAware) r.filters.unshift({ name: 'annotate', args: [trafficZoneAwareAnnotation, 'false'] });
  return { route: r };
}
