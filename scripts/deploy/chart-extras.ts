/**
 * The optional components: routesrv (one API watcher serving routes to the fleet), Redis for the swarm, the
 * validation webhook's Service and ValidatingWebhookConfiguration, Prometheus Operator objects, and the Helm
 * test pod.
 */
import { and, ifStr, splice, str, when, yaml, yamlIfAny, type Node } from './template.ts';
import { NAME, NS, V, labels, metadata, named, podScheduling, selector, serviceAccountName, skipjackImage, tmpMount, tmpVolume } from './chart-common.ts';

const routesrv = 'Values.routesrv.enabled';
const redis = 'Values.redis.enabled';

const routesrvDeployment: Node = when(routesrv, {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: metadata('routesrv', 'routesrv'),
  spec: {
    replicas: V('routesrv.replicas'),
    selector: { matchLabels: selector('routesrv') },
    template: {
      metadata: { labels: labels('routesrv', 'routesrv'), annotations: yamlIfAny('Values.podAnnotations') },
      spec: {
        serviceAccountName,
        ...podScheduling('routesrv.'),
        securityContext: yaml('Values.podSecurityContext'),
        containers: [{
          name: 'routesrv',
          image: skipjackImage,
          imagePullPolicy: V('image.pullPolicy'),
          args: [
            'skipjack-routesrv',
            '-kubernetes-in-cluster',
            str`-kubernetes-path-mode=${V('kubernetesPathMode')}`,
            str`-kubernetes-ingress-class=${V('ingressClassResource.name')}`,
            str`-kubernetes-routegroup-class=${V('ingressClassResource.name')}`,
            str`-address=:${V('routesrv.port')}`,
            when(redis, str`-kubernetes-redis-service-namespace=${NS}`),
            when(redis, str`-kubernetes-redis-service-name=${NAME}-redis`),
            when(redis, str`-kubernetes-redis-service-port=${V('redis.port')}`),
            splice('Values.routesrv.extraArgs'),
          ],
          ports: [{ name: 'routesrv', containerPort: V('routesrv.port'), protocol: 'TCP' }],
          // /health answers 503 until the first route load, so the fleet never polls an empty route server.
          readinessProbe: { httpGet: { path: '/health', port: 'routesrv' }, periodSeconds: 5, timeoutSeconds: 5 },
          livenessProbe: { tcpSocket: { port: 'routesrv' }, periodSeconds: 10, failureThreshold: 6 },
          resources: yaml('Values.routesrv.resources'),
          securityContext: yaml('Values.securityContext'),
          volumeMounts: [tmpMount],
        }],
        volumes: [tmpVolume],
      },
    },
  },
});

const routesrvService: Node = when(routesrv, {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata('routesrv', 'routesrv'),
  spec: { type: 'ClusterIP', selector: selector('routesrv'), ports: [{ name: 'routesrv', port: V('routesrv.port'), targetPort: 'routesrv', protocol: 'TCP' }] },
});

// Each Redis pod is one shard of the swarm's store (no replication): skipjack finds the shards as the
// endpoints of this Service, as Skipper's -kubernetes-redis-service-* flags do. Nothing is persisted: rate-limit
// buckets are short-lived, and a restarted shard starts empty, which admits a little more for one window.
const redisStatefulSet: Node = when(redis, {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: metadata('redis', 'redis'),
  spec: {
    serviceName: named('redis'),
    replicas: V('redis.replicas'),
    selector: { matchLabels: selector('redis') },
    template: {
      metadata: { labels: labels('redis', 'redis') },
      spec: {
        ...podScheduling('redis.'),
        automountServiceAccountToken: false,
        securityContext: yaml('Values.redis.podSecurityContext'),
        containers: [{
          name: 'redis',
          image: str`${V('redis.image.repository')}${ifStr('Values.redis.image.digest', ['@', V('redis.image.digest')], [':', V('redis.image.tag')])}`,
          imagePullPolicy: V('image.pullPolicy'),
          args: ['redis-server', '--port', str`${V('redis.port')}`, '--save', '', '--appendonly', 'no', '--maxmemory', V('redis.maxmemory'), '--maxmemory-policy', 'allkeys-lru'],
          ports: [{ name: 'redis', containerPort: V('redis.port'), protocol: 'TCP' }],
          readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 10, failureThreshold: 6 },
          resources: yaml('Values.redis.resources'),
          securityContext: yaml('Values.securityContext'),
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

const redisService: Node = when(redis, {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata('redis', 'redis'),
  spec: { clusterIP: 'None', selector: selector('redis'), ports: [{ name: 'redis', port: V('redis.port'), targetPort: 'redis', protocol: 'TCP' }] },
});

const webhookService: Node = when('Values.webhook.enabled', {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata('webhook', 'webhook'),
  spec: { type: 'ClusterIP', selector: selector(''), ports: [{ name: 'webhook', port: 443, targetPort: 'webhook', protocol: 'TCP' }] },
});

/** One admission rule: the path skipjack serves it on is Skipper's (/routegroups, /ingresses). */
function admission(name: string, group: string, resource: string): Node {
  return {
    name: `${resource}.${name}`,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: V('webhook.failurePolicy'),
    timeoutSeconds: V('webhook.timeoutSeconds'),
    matchPolicy: 'Equivalent',
    clientConfig: {
      service: { name: named('webhook'), namespace: NS, path: `/${resource}`, port: 443 },
      caBundle: when('Values.webhook.caBundle', V('webhook.caBundle')),
    },
    rules: [{ apiGroups: [group], apiVersions: ['v1'], resources: [resource], operations: ['CREATE', 'UPDATE'], scope: '*' }],
  };
}

const validatingWebhook: Node = when('Values.webhook.enabled', {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: named('webhook'), labels: labels('webhook', 'webhook'), annotations: yamlIfAny('Values.webhook.annotations') },
  webhooks: [
    admission('webhook.skipjack.zalando.org', 'zalando.org', 'routegroups'),
    when('Values.webhook.ingresses', admission('webhook.skipjack.zalando.org', 'networking.k8s.io', 'ingresses')),
  ],
});

const serviceMonitor: Node = when('Values.metrics.serviceMonitor.enabled', {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: NAME, namespace: NS, labels: { ...(labels('', 'ingress') as Record<string, Node>), '...': splice('Values.metrics.serviceMonitor.labels') } },
  spec: {
    selector: { matchLabels: { application: named('') as Node, 'app.kubernetes.io/instance': NAME } },
    namespaceSelector: { matchNames: [NS] },
    endpoints: [{ port: 'support', path: '/metrics', interval: V('metrics.serviceMonitor.interval') }],
  },
});

const prometheusRule: Node = when(and('Values.metrics.prometheusRule.enabled', 'Values.metrics.prometheusRule.groups'), {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: NAME, namespace: NS, labels: { ...(labels('', 'ingress') as Record<string, Node>), '...': splice('Values.metrics.prometheusRule.labels') } },
  spec: { groups: yaml('Values.metrics.prometheusRule.groups') },
});

/** `helm test`: the support listener answers /healthz through the metrics Service. */
const testPod: Node = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: named('test'),
    namespace: NS,
    labels: labels('test', 'test'),
    annotations: { 'helm.sh/hook': 'test', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
  },
  spec: {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    securityContext: yaml('Values.podSecurityContext'),
    containers: [{
      name: 'healthz',
      image: skipjackImage,
      command: ['node', '-e', str`fetch('http://${NAME}-metrics.${NS}.svc.cluster.local:${V('supportPort')}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
      securityContext: yaml('Values.securityContext'),
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    }],
  },
};

export const extraTemplates: Record<string, Node[]> = {
  'routesrv.yaml': [routesrvDeployment, routesrvService],
  'redis.yaml': [redisStatefulSet, redisService],
  'webhook.yaml': [webhookService, validatingWebhook],
  'monitoring.yaml': [serviceMonitor, prometheusRule],
};

/** Templates only the Helm chart has (kustomize has no hooks). */
export const helmOnlyTemplates: Record<string, Node[]> = {
  'tests/test-healthz.yaml': [testPod],
};
