/**
 * The ingress controller itself: service account and RBAC, the Deployment or DaemonSet, its Services,
 * IngressClass, PodDisruptionBudget and HorizontalPodAutoscaler. Args are Skipper's flags, so a Skipper user
 * reads them as they read Skipper's own deploy/ manifests.
 */
import { and, eq, ifStr, not, splice, str, when, yaml, yamlIfAny, type Node } from './template.ts';
import {
  NAME, NS, V, labels, metadata, podScheduling, securityContexts, selector, serviceAccountName, serviceHost,
  skipjackImage, tmpMount, tmpVolume,
} from './chart-common.ts';

const routesrv = 'Values.routesrv.enabled';
const redis = 'Values.redis.enabled';
const webhook = 'Values.webhook.enabled';
const isDeployment = eq('Values.kind', 'Deployment');

/** Where the webhook's certificate and key are mounted. */
export const WEBHOOK_TLS_DIR = '/etc/skipjack/webhook-tls';

/** The Secret with the webhook's tls.crt and tls.key: `webhook.tlsSecretName`, else `<release>-webhook-tls`. */
export const webhookSecretName = str`${ifStr('Values.webhook.tlsSecretName', [V('webhook.tlsSecretName')], [NAME, '-webhook-tls'])}`;

const routesrvBase = str`http://${serviceHost('routesrv')}:${V('routesrv.port')}`;

export const ingressArgs: Node = [
  'skipjack',
  when(not(routesrv), '-kubernetes'),
  when(not(routesrv), '-kubernetes-in-cluster'),
  when(not(routesrv), str`-kubernetes-path-mode=${V('kubernetesPathMode')}`),
  when(not(routesrv), str`-kubernetes-ingress-class=${V('ingressClassResource.name')}`),
  when(not(routesrv), str`-kubernetes-routegroup-class=${V('ingressClassResource.name')}`),
  when(routesrv, str`-routes-urls=${routesrvBase}/routes`),
  str`-address=:${V('proxyPort')}`,
  str`-support-listener=:${V('supportPort')}`,
  str`-workers=${V('workers')}`,
  str`-wait-for-healthcheck-interval=${V('waitForHealthcheckInterval')}`,
  when('Values.proxyPreserveHost', '-proxy-preserve-host'),
  when('Values.kubernetesEnableTls', '-kubernetes-enable-tls'),
  when(redis, '-enable-swarm'),
  when(redis, '-enable-ratelimits'),
  when(and(redis, routesrv), str`-swarm-redis-remote=${routesrvBase}/swarm/redis/shards`),
  when(and(redis, not(routesrv)), str`-kubernetes-redis-service-namespace=${NS}`),
  when(and(redis, not(routesrv)), str`-kubernetes-redis-service-name=${NAME}-redis`),
  when(and(redis, not(routesrv)), str`-kubernetes-redis-service-port=${V('redis.port')}`),
  when(webhook, '-validation-webhook-enabled'),
  when(webhook, str`-validation-webhook-address=:${V('webhook.port')}`),
  when(webhook, `-validation-webhook-cert-file=${WEBHOOK_TLS_DIR}/tls.crt`),
  when(webhook, `-validation-webhook-key-file=${WEBHOOK_TLS_DIR}/tls.key`),
  when(and(webhook, 'Values.webhook.advancedValidation'), '-enable-advanced-validation'),
  splice('Values.extraArgs'),
];

const container: Node = {
  name: 'skipjack',
  image: skipjackImage,
  imagePullPolicy: V('image.pullPolicy'),
  args: ingressArgs,
  env: [{ name: 'NODE_ENV', value: 'production' }, splice('Values.extraEnv')],
  ports: [
    { name: 'ingress-port', containerPort: V('proxyPort'), hostPort: when('Values.hostNetwork', V('proxyPort')), protocol: 'TCP' },
    { name: 'support', containerPort: V('supportPort'), protocol: 'TCP' },
    when(webhook, { name: 'webhook', containerPort: V('webhook.port'), protocol: 'TCP' }),
  ],
  // Readiness is Skipper's: the health-check route the Kubernetes data client (or routesrv) generates, so a
  // pod is ready once it has routes; it answers 503 during the -wait-for-healthcheck-interval on shutdown.
  readinessProbe: { httpGet: { path: '/kube-system/healthz', port: 'ingress-port' }, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 5 },
  livenessProbe: { httpGet: { path: '/healthz', port: 'support' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
  resources: yaml('Values.resources'),
  securityContext: securityContexts.container,
  volumeMounts: [
    tmpMount,
    when(webhook, { name: 'webhook-tls', mountPath: WEBHOOK_TLS_DIR, readOnly: true }),
    splice('Values.extraVolumeMounts'),
  ],
};

const workload: Node = {
  apiVersion: 'apps/v1',
  kind: V('kind'),
  metadata: metadata('', 'ingress'),
  spec: {
    replicas: when(and(isDeployment, not('Values.autoscaling.enabled')), V('replicas')),
    selector: { matchLabels: selector('') },
    template: {
      metadata: {
        labels: { ...(labels('', 'ingress') as Record<string, Node>), '...': splice('Values.podLabels') },
        annotations: yamlIfAny('Values.podAnnotations'),
      },
      spec: {
        serviceAccountName,
        automountServiceAccountToken: true,
        hostNetwork: when('Values.hostNetwork', true),
        dnsPolicy: when('Values.hostNetwork', 'ClusterFirstWithHostNet'),
        terminationGracePeriodSeconds: V('terminationGracePeriodSeconds'),
        ...podScheduling(''),
        securityContext: securityContexts.pod,
        containers: [container],
        volumes: [
          tmpVolume,
          when(webhook, { name: 'webhook-tls', secret: { secretName: webhookSecretName } }),
          splice('Values.extraVolumes'),
        ],
      },
    },
  },
};

const serviceAccount: Node = when('Values.serviceAccount.create', {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: serviceAccountName, namespace: NS, labels: labels('', 'ingress'), annotations: yamlIfAny('Values.serviceAccount.annotations') },
});

// list/watch of exactly the collections the Kubernetes data client reads (test/deploy/rbac.test.ts records
// them); Secrets only with kubernetesEnableTls, which also passes -kubernetes-enable-tls.
const clusterRole: Node = when('Values.rbac.create', {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: NAME, labels: labels('', 'ingress') },
  rules: [
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['list', 'watch'] },
    { apiGroups: ['zalando.org'], resources: ['routegroups'], verbs: ['list', 'watch'] },
    { apiGroups: [''], resources: ['services', 'endpoints'], verbs: ['list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    when('Values.kubernetesEnableTls', { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }),
  ],
});

const clusterRoleBinding: Node = when('Values.rbac.create', {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: NAME, labels: labels('', 'ingress') },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
  subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: NS }],
});

const service: Node = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata('', 'ingress', { annotations: yamlIfAny('Values.service.annotations') }),
  spec: {
    type: V('service.type'),
    externalTrafficPolicy: when('Values.service.externalTrafficPolicy', V('service.externalTrafficPolicy')),
    selector: selector(''),
    ports: [{ name: 'http', port: V('service.port'), targetPort: 'ingress-port', protocol: 'TCP' }],
  },
};

/** The support listener (/metrics, /routes, /healthz) inside the cluster, for Prometheus and the Helm test. */
const metricsService: Node = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata('metrics', 'ingress'),
  spec: {
    type: 'ClusterIP',
    selector: selector(''),
    ports: [{ name: 'support', port: V('supportPort'), targetPort: 'support', protocol: 'TCP' }],
  },
};

const ingressClass: Node = when('Values.ingressClassResource.create', {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: {
    name: V('ingressClassResource.name'),
    labels: labels('', 'ingress'),
    annotations: when('Values.ingressClassResource.default', { 'ingressclass.kubernetes.io/is-default-class': 'true' }),
  },
  spec: { controller: V('ingressClassResource.controller') },
});

const pdb: Node = when('Values.podDisruptionBudget.enabled', {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: metadata('', 'ingress'),
  spec: { maxUnavailable: V('podDisruptionBudget.maxUnavailable'), selector: { matchLabels: selector('') } },
});

const hpa: Node = when(and(isDeployment, 'Values.autoscaling.enabled'), {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: metadata('', 'ingress'),
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
    minReplicas: V('autoscaling.minReplicas'),
    maxReplicas: V('autoscaling.maxReplicas'),
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: V('autoscaling.targetCPUUtilizationPercentage') } } }],
    behavior: yamlIfAny('Values.autoscaling.behavior'),
  },
});

/** Template files of the ingress controller: file name → documents. */
export const ingressTemplates: Record<string, Node[]> = {
  'rbac.yaml': [serviceAccount, clusterRole, clusterRoleBinding],
  'workload.yaml': [workload],
  'service.yaml': [service, metricsService],
  'ingressclass.yaml': [ingressClass],
  'pdb.yaml': [pdb],
  'hpa.yaml': [hpa],
};
