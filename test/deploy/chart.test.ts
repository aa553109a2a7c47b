/**
 * deploy/helm/skipjack without a helm binary: the chart files are what scripts/deploy generates; the
 * templates, executed by a Go-template subset (go-template.ts), render to exactly what the generator's
 * evaluator renders; for a set of values files every object validates, every pod is Pod Security
 * restricted, every skipjack arg is a skipjack flag; values validate against values.schema.json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { generatedFiles } from '../../scripts/deploy/generate.ts';
import { appVersion, renderChart, templates, withValues, type Release, type ValueOverrides } from '../../scripts/deploy/variants.ts';
import { defaultValues, valuesSchema, type Values } from '../../scripts/deploy/values.ts';
import { If, IfStr, Ref, Splice, Str, Yaml, type Cond, type Node } from '../../scripts/deploy/template.ts';
import { executeTemplate } from './go-template.ts';
import { restrictedViolations } from './pod-security.ts';
import { flagErrors, validateObject } from './manifest-checks.ts';
import { schemaErrors } from './json-schema.ts';

type Obj = Record<string, any>;
const RELEASE: Release = { name: 'edge', namespace: 'ingress', service: 'Helm' };
const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

/** Values files a user would write; each is rendered and checked. */
const valueSets: Record<string, ValueOverrides> = {
  defaults: {},
  'image by digest': { image: { repository: 'registry.example/skipjack', digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' } },
  'daemonset, scheduling, extras': {
    kind: 'DaemonSet',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ingress', effect: 'NoSchedule' }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'role', operator: 'In', values: ['ingress'] }] }] } } },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { application: 'edge' } } }],
    priorityClassName: 'system-cluster-critical',
    podAnnotations: { 'example.org/a': 'b' },
    podLabels: { team: 'edge' },
    extraArgs: ['-access-log-json-enabled', '-default-filters-prepend=flowId("reuse")'],
    extraEnv: [{ name: 'TZ', value: 'UTC' }],
    extraVolumes: [{ name: 'filters', configMap: { name: 'default-filters' } }],
    extraVolumeMounts: [{ name: 'filters', mountPath: '/etc/skipjack/filters', readOnly: true }],
    service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }, externalTrafficPolicy: 'Cluster' },
    ingressClassResource: { name: 'edge', default: true },
  },
  'everything on': {
    autoscaling: { enabled: true },
    routesrv: { enabled: true },
    redis: { enabled: true },
    webhook: { enabled: true, caBundle: 'Y2E=' },
    kubernetesEnableTls: true,
    metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } }, prometheusRule: { enabled: true, groups: [{ name: 'skipjack', rules: [{ alert: 'SkipjackDown', expr: 'up{job="edge-metrics"} == 0', for: '5m' }] }] } },
  },
  'redis without routesrv, no rbac/sa/ingressclass/pdb': {
    redis: { enabled: true }, rbac: { create: false }, serviceAccount: { create: false, name: 'existing' },
    ingressClassResource: { create: false }, podDisruptionBudget: { enabled: false }, proxyPreserveHost: false,
  },
};

function ctx(values: Values): Record<string, unknown> {
  return { Values: values, Release: { Name: RELEASE.name, Namespace: RELEASE.namespace, Service: RELEASE.service }, Chart: { AppVersion: appVersion } };
}

function executeChart(values: Values): Obj[] {
  const out: Obj[] = [];
  for (const file of Object.keys(templates)) {
    const text = executeTemplate(read(`deploy/helm/skipjack/templates/${file}`), ctx(values));
    for (const d of parseAllDocuments(text)) {
      assert.deepEqual(d.errors, [], `${file}: ${text}`);
      const o = d.toJS() as Obj | null;
      if (o !== null) out.push(o);
    }
  }
  return out;
}

test('the committed chart and kustomize files are what `npm run deploy:generate` writes', () => {
  for (const [path, content] of generatedFiles()) assert.equal(read(path), content, `${path} is stale: run npm run deploy:generate`);
});

for (const [name, overrides] of Object.entries(valueSets)) {
  test(`chart with ${name}: the Helm templates render what the generator renders, and it is valid and restricted`, async () => {
    const values = withValues(overrides);
    assert.deepEqual(schemaErrors(valuesSchema(), values), []);
    const rendered = renderChart(values, RELEASE) as Obj[];
    assert.deepEqual(executeChart(values), rendered);
    for (const o of rendered) {
      await validateObject(o);
      assert.deepEqual(restrictedViolations(o), [], `${o.kind}/${o.metadata.name}`);
      assert.deepEqual(flagErrors(o), []);
    }
  });
}

// The values files docs/deploy.md uses: each renders, validates and is restricted (the host-network
// DaemonSet fails exactly the host rules, which is why its namespace must be privileged).
const EXAMPLES = 'deploy/helm/examples';
for (const file of readdirSync(new URL(`../../${EXAMPLES}`, import.meta.url)).filter((f) => f.endsWith('.yaml'))) {
  test(`chart with ${EXAMPLES}/${file}`, async () => {
    const values = withValues(parseYaml(read(`${EXAMPLES}/${file}`)) as ValueOverrides);
    assert.deepEqual(schemaErrors(valuesSchema(), values), []);
    const rendered = renderChart(values, RELEASE) as Obj[];
    assert.deepEqual(executeChart(values), rendered);
    for (const o of rendered) {
      await validateObject(o);
      const v = restrictedViolations(o);
      if (values.hostNetwork && o.kind === 'DaemonSet') assert.deepEqual(v.sort(), ['host namespaces: hostNetwork=true', 'host ports: container skipjack hostPort 9999']);
      else assert.deepEqual(v, [], `${o.kind}/${o.metadata.name}`);
      assert.deepEqual(flagErrors(o), []);
    }
  });
}

const find = (objs: Record<string, unknown>[], kind: string, name: string): Obj | undefined => (objs as Obj[]).find((o) => o.kind === kind && o.metadata.name === name);

test('chart values do what they say', () => {
  const dflt = renderChart(withValues(), RELEASE) as Obj[];
  const d = find(dflt, 'Deployment', 'edge')!;
  const c = d.spec.template.spec.containers[0];
  assert.equal(c.image, `skipjack:${appVersion}`);
  assert.ok(c.args.includes('-proxy-preserve-host'));
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(dflt.filter((o) => o.kind === 'IngressClass').map((o) => o.metadata.name), ['skipjack'], 'never "skipper" by default');
  assert.ok(find(dflt, 'PodDisruptionBudget', 'edge'));
  assert.equal(find(dflt, 'HorizontalPodAutoscaler', 'edge'), undefined);
  const testPod = find(dflt, 'Pod', 'edge-test')!;
  assert.equal(testPod.metadata.annotations['helm.sh/hook'], 'test');

  const digest = find(renderChart(withValues(valueSets['image by digest']), RELEASE), 'Deployment', 'edge')!;
  assert.equal(digest.spec.template.spec.containers[0].image, `registry.example/skipjack@${valueSets['image by digest']!.image!.digest}`);

  const ds = renderChart(withValues(valueSets['daemonset, scheduling, extras']), RELEASE) as Obj[];
  const dsPod = find(ds, 'DaemonSet', 'edge')!.spec.template;
  assert.equal(find(ds, 'Deployment', 'edge'), undefined);
  assert.equal(dsPod.spec.priorityClassName, 'system-cluster-critical');
  assert.equal(dsPod.metadata.labels.team, 'edge');
  assert.ok(dsPod.spec.containers[0].args.includes('-kubernetes-ingress-class=edge'));
  assert.equal(dsPod.spec.containers[0].args.at(-1), '-default-filters-prepend=flowId("reuse")');
  assert.equal(find(ds, 'IngressClass', 'edge')!.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
  assert.equal(find(ds, 'Service', 'edge')!.spec.externalTrafficPolicy, 'Cluster');

  const all = renderChart(withValues(valueSets['everything on']), RELEASE) as Obj[];
  const args = find(all, 'Deployment', 'edge')!.spec.template.spec.containers[0].args as string[];
  assert.ok(args.includes('-swarm-redis-remote=http://edge-routesrv.ingress.svc.cluster.local:9990/swarm/redis/shards'));
  assert.ok(find(all, 'Deployment', 'edge-routesrv')!.spec.template.spec.containers[0].args.includes('-kubernetes-redis-service-name=edge-redis'));
  assert.equal(find(all, 'Deployment', 'edge')!.spec.replicas, undefined);
  for (const k of ['ServiceMonitor', 'PrometheusRule', 'HorizontalPodAutoscaler', 'StatefulSet', 'ValidatingWebhookConfiguration']) assert.ok(all.some((o) => o.kind === k), k);

  const bare = renderChart(withValues(valueSets['redis without routesrv, no rbac/sa/ingressclass/pdb']), RELEASE) as Obj[];
  for (const k of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'PodDisruptionBudget']) assert.ok(!bare.some((o) => o.kind === k), k);
  assert.equal(find(bare, 'Deployment', 'edge')!.spec.template.spec.serviceAccountName, 'existing');
  assert.ok(!find(bare, 'Deployment', 'edge')!.spec.template.spec.containers[0].args.includes('-proxy-preserve-host'));
});

test('the checks fail on what they should: a root pod, a schema error, an unknown flag, a bad value', async () => {
  const values = withValues({ extraArgs: ['-no-such-flag'] });
  (values as { securityContext: object }).securityContext = {};
  const d = find(renderChart(values, RELEASE), 'Deployment', 'edge')!;
  const v = restrictedViolations(d);
  assert.ok(v.some((x) => x.startsWith('privilege escalation')) && v.some((x) => x.startsWith('capabilities')), v.join('\n'));
  assert.match(flagErrors(d).join('\n'), /no-such-flag/);
  await assert.rejects(validateObject({ ...d, spec: { ...d.spec, replicas: 'two' } }), /replicas/);
  assert.notDeepEqual(schemaErrors(valuesSchema(), withValues({ kind: 'StatefulSet' })), []);
  assert.notDeepEqual(schemaErrors(valuesSchema(), { ...defaultValues, imageTag: 'x' }), []);
});

/** Every value path a template reads exists in the defaults, so a typo cannot render as a silent empty value. */
test('every .Values path in the templates is a default value', () => {
  const paths = new Set<string>();
  const cond = (c: Cond): void => {
    if (c.op === 'truthy' || c.op === 'eq') paths.add(c.path);
    else if (c.op === 'not') cond(c.cond);
    else c.conds.forEach(cond);
  };
  const walk = (n: Node | string): void => {
    if (n instanceof Ref) {
      paths.add(n.path);
      if (n.fallback !== undefined) paths.add(n.fallback);
    } else if (n instanceof Str) n.parts.forEach(walk);
    else if (n instanceof IfStr) {
      cond(n.cond);
      [...n.then, ...n.otherwise].forEach(walk);
    } else if (n instanceof If) {
      cond(n.cond);
      walk(n.then);
      if (n.otherwise !== undefined) walk(n.otherwise);
    } else if (n instanceof Yaml || n instanceof Splice) paths.add(n.path);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === 'object') Object.values(n).forEach(walk);
  };
  Object.values(templates).flat().forEach(walk);
  const root = ctx(defaultValues);
  for (const p of paths) {
    let v: unknown = root;
    for (const part of p.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
    assert.notEqual(v, undefined, `${p} is read by a template but has no default`);
  }
  assert.ok(paths.size > 40, `${paths.size} paths found`);
});
