/** Small Kubernetes object builders for data-client tests. */
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';

export interface IngressSpec {
  ns?: string;
  host: string;
  path?: string;
  service: string;
  port?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ingressClassName?: string;
}

export function ingress(name: string, s: IngressSpec): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: s.ns ?? 'default', labels: s.labels, annotations: s.annotations },
    spec: {
      ...(s.ingressClassName !== undefined ? { ingressClassName: s.ingressClassName } : {}),
      rules: [
        {
          host: s.host,
          http: {
            paths: [
              {
                path: s.path ?? '/',
                pathType: 'Prefix',
                backend: { service: { name: s.service, port: { number: s.port ?? 80 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function service(name: string, ns = 'default', port = 80, targetPort = 8080, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels },
    spec: { type: 'ClusterIP', clusterIP: '10.3.190.1', ports: [{ name: 'main', port, protocol: 'TCP', targetPort }] },
  };
}

export function endpoints(name: string, ips: string[], ns = 'default', port = 8080, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: ns, labels },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'main', port, protocol: 'TCP' }] }],
  };
}

export function routeGroup(name: string, host: string, service: string, ns = 'default', port = 80): KubeObject {
  return {
    apiVersion: 'zalando.org/v1',
    kind: 'RouteGroup',
    metadata: { name, namespace: ns },
    spec: {
      hosts: [host],
      backends: [{ name: 'app', type: 'service', serviceName: service, servicePort: port }],
      defaultBackends: [{ backendName: 'app' }],
      routes: [{ pathSubtree: '/' }],
    },
  };
}

/** A pod with an IP, Ready or not (the swarm's Kubernetes membership reads these). */
export function pod(name: string, ip: string, ready: boolean, labels: Record<string, string>, ns = 'kube-system'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as KubeObject;
}
