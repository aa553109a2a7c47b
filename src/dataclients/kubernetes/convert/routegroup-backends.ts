/**
 * Backends of RouteGroup routes: `service` (the Service's endpoints for the target port), `network`,
 * `lb` (explicit endpoints), `forward` (the `-forward-backend-url`), `shunt`, `loopback` and `dynamic`.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import { appendBackendNameTracingTag } from './annotation-rules.ts';
import type { EndpointIndex } from './endpoints.ts';
import { setEndpointsBackend } from './lb-backend.ts';
import type { RgBackend } from './routegroup-spec.ts';
import { targetPortByValue, type KubeService } from './services.ts';

/** Annotation selecting the scheme of service endpoints (e.g. `https` or `h2c`). */
export const backendProtocolAnnotation = 'zalando.org/skipper-backend-protocol';

/** `"false"` opts a RouteGroup out of topology-zone endpoint filtering. */
export const trafficZoneAwareAnnotation = 'zalando.org/traffic-zone-aware';

/** What backend building needs from the surrounding conversion. */
export interface BackendContext {
  namespace: string;
  annotations: Readonly<Record<string, string>>;
  services: ReadonlyMap<string, KubeService>;
  endpoints: EndpointIndex;
  /** `-kubernetes-topology-zone`; "" when zone-aware endpoint selection is off for these routes. */
  zone: string;
  /** False when the group opted out of zone-aware routing (`zalando.org/traffic-zone-aware: "false"`). */
  zoneAware: boolean;
  defaultLBAlgorithm: string;
  /** Compiled `-kubernetes-allowed-external-name` regexps. */
  allowedExternalNames: readonly RegExp[];
  forwardBackendURL: string;
  backendNameTracingTag: boolean;
}

/** Go's url.Parse(...).Hostname(); undefined where Go fails to parse (an unterminated IPv6 literal). */
function hostnameOf(address: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(address);
  // Without an authority Go parses the address as a path: the host is empty, not an error.
  if (m === null) return '';
  const hostPort = m[1]!.slice(m[1]!.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    return end < 0 ? undefined : hostPort.slice(1, end);
  }
  const colon = hostPort.indexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

/** True when the address's host matches one of the allowed (unanchored) regexps. */
export function isExternalAddressAllowed(allowed: readonly RegExp[], address: string): boolean {
  const host = hostnameOf(address);
  if (host === undefined) return false;
  return allowed.some((rx) => rx.test(host));
}

function applyServiceBackend(ctx: BackendContext, be: RgBackend, r: RouteDef): void {
  const svc = ctx.services.get(`${ctx.namespace}/${be.serviceName}`);
  if (svc === undefined) throw new Error(`${ctx.namespace}/${be.serviceName}: service not found`);
  if (svc.type.toLowerCase() !== 'clusterip') {
    throw new Error(`not supported service type in service/${svc.namespace}/${svc.name}: ${svc.type}`);
  }
  const tp = targetPortByValue(svc, be.servicePort);
  if (!tp.found) throw new Error(`target port not found: ${be.serviceName}:${be.servicePort}`);
  // undefined: the default (http, or h2c when the EndpointSlice port says so); the annotation overrides it.
  const scheme = Object.hasOwn(ctx.annotations, backendProtocolAnnotation) ? ctx.annotations[backendProtocolAnnotation]! : undefined;
  const eps = ctx.endpoints.byTarget(ctx.namespace, svc.name, 'TCP', scheme, tp.targetPort, ctx.zoneAware ? ctx.zone : '');
  setEndpointsBackend(r, eps, be.algorithm !== '' ? be.algorithm : ctx.defaultLBAlgorithm);
  // Marks the route for the route server, which would otherwise zone-filter the endpoints per zone.
  if (!ctx.zoneAware) r.filters.unshift({ name: 'annotate', args: [trafficZoneAwareAnnotation, 'false'] });
}

/**
 * Sets the route's backend from a RouteGroup backend, and the backend-name tracing tag when configured.
 * Throws an Error with Skipper's message when the backend cannot be used (missing service, unsupported
 * service type, unknown port, external name not allowed); the caller drops the route or the group.
 */
export function applyBackend(ctx: BackendContext, be: RgBackend, r: RouteDef): void {
  switch (be.type) {
    case 'service':
      applyServiceBackend(ctx, be, r);
      break;
    case 'network':
      if (!isExternalAddressAllowed(ctx.allowedExternalNames, be.address)) {
        throw new Error(`routegroup with not allowed network backend: ${be.address}`);
      }
      r.backendType = 'network';
      r.backend = be.address;
      break;
    case 'lb':
      for (const ep of be.endpoints) {
        if (!isExternalAddressAllowed(ctx.allowedExternalNames, ep)) {
          throw new Error(`routegroup with not allowed explicit LB endpoint: ${ep}`);
        }
      }
      r.backendType = 'lb';
      r.lbEndpoints = be.endpoints.map((address) => ({ address }));
      r.lbAlgorithm = be.algorithm !== '' ? be.algorithm : ctx.defaultLBAlgorithm;
      break;
    case 'forward':
      // The Skipper behind the forward URL runs the route's filters; running them here too would apply
      // them twice.
      r.filters = [];
      r.backendType = 'network';
      r.backend = ctx.forwardBackendURL;
      break;
    default:
      r.backendType = be.type;
  }
  if (ctx.backendNameTracingTag) appendBackendNameTracingTag(be.name, r);
}
