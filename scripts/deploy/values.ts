/**
 * The chart's values: defaults (→ values.yaml, with a comment per key), and values.schema.json derived from
 * them plus a few enumerations. Free-form keys (resources, affinity, annotations, …) take any object.
 */

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export const defaultValues = {
  image: { repository: 'skipjack', tag: '', digest: '', pullPolicy: 'IfNotPresent' },
  imagePullSecrets: [] as unknown[],
  kind: 'Deployment',
  replicas: 2,
  hostNetwork: false,
  proxyPort: 9999,
  supportPort: 9911,
  workers: 2,
  waitForHealthcheckInterval: '10s',
  terminationGracePeriodSeconds: 60,
  kubernetesPathMode: 'path-prefix',
  proxyPreserveHost: true,
  kubernetesEnableTls: false,
  ingressClassResource: { create: true, name: 'skipjack', default: false, controller: 'zalando.org/skipper' },
  extraArgs: [] as string[],
  extraEnv: [] as unknown[],
  extraVolumes: [] as unknown[],
  extraVolumeMounts: [] as unknown[],
  resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '1Gi' } },
  podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  securityContext: restrictedContainer,
  nodeSelector: {} as Record<string, string>,
  tolerations: [] as unknown[],
  affinity: {} as Record<string, unknown>,
  topologySpreadConstraints: [] as unknown[],
  priorityClassName: '',
  podAnnotations: {} as Record<string, string>,
  podLabels: {} as Record<string, string>,
  service: { type: 'LoadBalancer', port: 80, annotations: {} as Record<string, string>, externalTrafficPolicy: 'Local' },
  serviceAccount: { create: true, name: '', annotations: {} as Record<string, string> },
  rbac: { create: true },
  podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
  autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70, behavior: {} as Record<string, unknown> },
  metrics: {
    serviceMonitor: { enabled: false, interval: '30s', labels: {} as Record<string, string> },
    prometheusRule: { enabled: false, labels: {} as Record<string, string>, groups: [] as unknown[] },
  },
  routesrv: {
    enabled: false,
    replicas: 2,
    port: 9990,
    extraArgs: [] as string[],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    nodeSelector: {} as Record<string, string>,
    tolerations: [] as unknown[],
    affinity: {} as Record<string, unknown>,
    topologySpreadConstraints: [] as unknown[],
    priorityClassName: '',
  },
  redis: {
    enabled: false,
    replicas: 2,
    port: 6379,
    maxmemory: '200mb',
    image: { repository: 'redis', tag: '7.4.2-alpine', digest: '' },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } },
    // The redis image's own user (uid/gid 999).
    podSecurityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
    nodeSelector: {} as Record<string, string>,
    tolerations: [] as unknown[],
    affinity: {} as Record<string, unknown>,
    topologySpreadConstraints: [] as unknown[],
    priorityClassName: '',
  },
  webhook: {
    enabled: false,
    port: 9443,
    ingresses: true,
    advancedValidation: true,
    tlsSecretName: '',
    caBundle: '',
    annotations: {} as Record<string, string>,
    failurePolicy: 'Fail',
    timeoutSeconds: 5,
  },
};

export type Values = typeof defaultValues;

/** One comment per key path, printed above it in values.yaml. */
export const valueComments: Record<string, string> = {
  image: 'Image by tag (the chart appVersion when empty) or, when digest is set, by digest (repository@sha256:…).',
  kind: 'Deployment or DaemonSet.',
  replicas: 'Deployment replicas when autoscaling is off.',
  hostNetwork: 'DaemonSet on the node\'s network with hostPort (as Skipper\'s daemonset deployment); needs a namespace whose Pod Security level is privileged.',
  workers: '-workers: processes sharing the proxy port. Memory: about 150 MB per worker plus 150 MB for the primary; size resources.limits.memory by it.',
  waitForHealthcheckInterval: 'On SIGTERM /healthz answers 503 this long before the listener closes; keep it below terminationGracePeriodSeconds.',
  kubernetesPathMode: '-kubernetes-path-mode: kubernetes-ingress, path-regexp or path-prefix.',
  proxyPreserveHost: '-proxy-preserve-host: send the incoming Host to the backend, as an ingress controller should.',
  kubernetesEnableTls: 'TLS certificates from the Secrets named in Ingress spec.tls (-kubernetes-enable-tls). Grants read access to every Secret in the cluster, so it is off by default.',
  ingressClassResource: 'The IngressClass this controller serves; its name is also -kubernetes-ingress-class and -kubernetes-routegroup-class. Not "skipper", so it never collides with an existing Skipper.',
  extraArgs: 'Further skipjack flags (Skipper\'s names), appended to the args.',
  resources: 'No CPU limit: throttling a proxy costs latency; -workers above is what bounds the processes.',
  podSecurityContext: 'Pod Security "restricted" by default.',
  securityContext: 'Pod Security "restricted" by default.',
  service: 'The proxy Service; externalTrafficPolicy Local keeps the client address.',
  serviceAccount: 'Created by default; name defaults to the release name.',
  podDisruptionBudget: 'At most maxUnavailable pods down in voluntary disruptions.',
  autoscaling: 'HorizontalPodAutoscaler on CPU (Deployment only); replicas is then left to it.',
  metrics: 'Prometheus Operator objects (need its CRDs): a ServiceMonitor on the support port, and a PrometheusRule with the given rule groups.',
  routesrv: 'skipjack-routesrv: one Kubernetes watcher serving routes to the fleet (-routes-urls) instead of every pod watching the API.',
  redis: 'Redis shards for the swarm: -enable-swarm -enable-ratelimits with -kubernetes-redis-service-* (via routesrv when it is on).',
  webhook: 'Validation webhook on the ingress pods: rejects RouteGroups (and Ingresses) whose routes skipjack would mark invalid. The Secret tlsSecretName (default <release>-webhook-tls) holds tls.crt/tls.key; caBundle is the CA that signed it, or set annotations for cert-manager\'s CA injector.',
};

const enums: Record<string, string[]> = {
  kind: ['Deployment', 'DaemonSet'],
  'image.pullPolicy': ['Always', 'IfNotPresent', 'Never'],
  kubernetesPathMode: ['kubernetes-ingress', 'path-regexp', 'path-prefix'],
  'service.type': ['ClusterIP', 'NodePort', 'LoadBalancer'],
  'service.externalTrafficPolicy': ['', 'Cluster', 'Local'],
  'webhook.failurePolicy': ['Fail', 'Ignore'],
};

/** Keys whose objects are free-form (Kubernetes types or maps), checked by Kubernetes rather than the schema. */
const FREE = /(^|\.)(resources|podSecurityContext|securityContext|nodeSelector|affinity|podAnnotations|podLabels|annotations|labels|behavior)$/;

export type Schema = Record<string, unknown>;

function schemaOf(v: unknown, path: string): Schema {
  const e = enums[path];
  if (e !== undefined) return { type: 'string', enum: e };
  if (Array.isArray(v)) return { type: 'array' };
  if (typeof v === 'boolean') return { type: 'boolean' };
  if (typeof v === 'number') return { type: 'integer', minimum: 0 };
  if (typeof v === 'string') return { type: 'string' };
  if (FREE.test(path)) return { type: 'object' };
  const properties: Record<string, Schema> = {};
  for (const [k, x] of Object.entries(v as object)) properties[k] = schemaOf(x, path === '' ? k : `${path}.${k}`);
  return { type: 'object', additionalProperties: false, properties };
}

export function valuesSchema(): Schema {
  const root = schemaOf(defaultValues, '') as { properties: Record<string, Schema> };
  for (const [k, c] of Object.entries(valueComments)) root.properties[k] = { description: c, ...root.properties[k] };
  // Helm puts `global` into every chart's values.
  root.properties.global = { type: 'object' };
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'skipjack chart values', ...root };
}
