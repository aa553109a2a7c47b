/** Kubernetes Services as the conversion reads them: port lookup by name or number, target ports. */
import type { KubeObject } from './types.ts';

/** A target port: a number, a port name, or absent (the API server defaults it; raw fixtures may not). */
export type TargetPort = number | string | undefined;

export interface ServicePort {
  name: string;
  port: number;
  targetPort: TargetPort;
}

export interface KubeService {
  namespace: string;
  name: string;
  /** "ClusterIP", "ExternalName", … ("" when unset). */
  type: string;
  externalName: string;
  clusterIP: string;
  ports: ServicePort[];
}

/** Reads a Service object; undefined when it has no spec (Skipper skips those as invalid). */
export function readService(o: KubeObject): KubeService | undefined {
  const spec = o.spec;
  if (spec === null || typeof spec !== 'object') return undefined;
  const ports: ServicePort[] = [];
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (p === null || typeof p !== 'object') continue;
    ports.push({
      name: typeof p.name === 'string' ? p.name : '',
      port: typeof p.port === 'number' ? p.port : 0,
      targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined,
    });
  }
  return {
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    type: typeof spec.type === 'string' ? spec.type : '',
    externalName: typeof spec.externalName === 'string' ? spec.externalName : '',
    clusterIP: typeof spec.clusterIP === 'string' ? spec.clusterIP : '',
    ports,
  };
}

const parsed = new WeakMap<KubeObject, KubeService | null>();

/** {@link readService}, memoised per object (objects are immutable snapshots of the API state). */
export function readServiceCached(o: KubeObject): KubeService | undefined {
  let s = parsed.get(o);
  if (s === undefined) parsed.set(o, (s = readService(o) ?? null));
  return s ?? undefined;
}

/** Go's `BackendPort.String()`: the name, the number, or "" when absent. */
export function targetPortString(tp: TargetPort): string {
  return tp === undefined ? '' : String(tp);
}

/** The numeric target port, or undefined for a named or absent one. */
export function targetPortNumber(tp: TargetPort): number | undefined {
  return typeof tp === 'number' ? tp : undefined;
}

/**
 * The service port an Ingress backend refers to: `ref` is the port name or the port number as text.
 * Ports without a target port never match (Skipper then treats the service as having no endpoints).
 */
export function servicePortByRef(svc: KubeService, ref: string): ServicePort | undefined {
  if (ref === '') return undefined;
  for (const sp of svc.ports) {
    if ((String(sp.port) === ref || sp.name === ref) && sp.targetPort !== undefined) return sp;
  }
  return undefined;
}

/** The target port of the service port with the given port number (RouteGroup `servicePort: 80`). */
export function targetPortByValue(svc: KubeService, port: number): { found: boolean; targetPort: TargetPort } {
  for (const sp of svc.ports) {
    if (sp.port === port) return { found: true, targetPort: sp.targetPort };
  }
  return { found: false, targetPort: undefined };
}

/** `https` for target port 443, otherwise `http` (external names and forced service backends). */
export function schemeForTargetPort(tp: TargetPort): string {
  return targetPortNumber(tp) === 443 ? 'https' : 'http';
}

/**
 * `<scheme>://<svc>.<ns>.svc.cluster.local:<targetPort>` for `-kubernetes-force-service`: route through the
 * Service's cluster address instead of its endpoints.
 */
export function serviceNameBackend(svc: KubeService, sp: ServicePort): string {
  return `${schemeForTargetPort(sp.targetPort)}://${svc.name}.${svc.namespace}.svc.cluster.local:${targetPortString(sp.targetPort)}`;
}
