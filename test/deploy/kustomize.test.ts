/**
 * deploy/kustomize: `kubectl kustomize` renders the base and every overlay; each object validates against the
 * Kubernetes API schema, every pod passes Pod Security "restricted" (the hostNetwork DaemonSet fails exactly
 * the host-namespace and host-port rules, which is why it needs a privileged namespace), skipjack's args are
 * flags skipjack starts with, and each overlay renders to what the chart renders for the overlay's values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { KUSTOMIZE_RELEASE, kustomizeTemplates, kustomizeValues, renderChart, variants, type ValueOverrides } from '../../scripts/deploy/variants.ts';
import { restrictedViolations } from './pod-security.ts';
import { acceptedOnly, flagErrors, validateObject } from './manifest-checks.ts';

const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const skip = KUBECTL === undefined ? 'kubectl is not installed: `kubectl kustomize` renders the overlays' : false;
const dir = (p: string): string => fileURLToPath(new URL(`../../deploy/kustomize/${p}`, import.meta.url));

type Obj = Record<string, any>;

function kustomize(path: string): Obj[] {
  const out = execFileSync(KUBECTL!, ['kustomize', dir(path)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

const key = (o: Obj): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function byKey(objs: Obj[]): Map<string, Obj> {
  return new Map(objs.map((o) => [key(o), o]));
}

const cases: { name: string; path: string; values: ValueOverrides }[] = [
  { name: 'base', path: 'base', values: {} },
  ...variants.map((v) => ({ name: v.name, path: `overlays/${v.name}`, values: v.values })),
];

test('every overlay directory is a generated variant', { skip }, () => {
  const listed = execFileSync('ls', [dir('overlays')], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  assert.deepEqual(listed, variants.map((v) => v.name).sort());
  const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
  for (const v of variants) assert.ok(doc.includes(`deploy/kustomize/overlays/${v.name}`), `docs/deploy.md describes overlay ${v.name}`);
});

for (const c of cases) {
  test(`kustomize ${c.path}: valid objects, restricted pods, skipjack flags, equal to the chart's rendering`, { skip }, async (t) => {
    const objs = kustomize(c.path);
    assert.ok(objs.some((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'routegroups.zalando.org'), 'RouteGroup CRD');
    assert.ok(objs.some((o) => ['Deployment', 'DaemonSet'].includes(o.kind) && o.metadata.name === 'skipjack-ingress'), 'the ingress workload');
    for (const o of objs) await validateObject(o);

    for (const o of objs) {
      const v = restrictedViolations(o);
      if (c.name === 'daemonset-hostnetwork' && o.kind === 'DaemonSet') {
        assert.deepEqual(v.sort(), ['host namespaces: hostNetwork=true', 'host ports: container skipjack hostPort 9999']);
      } else assert.deepEqual(v, [], `${key(o)} is not Pod Security restricted`);
    }
    for (const o of objs) assert.deepEqual(flagErrors(o), []);
    const accepted = [...new Set(objs.flatMap(acceptedOnly))];
    if (accepted.length > 0) t.diagnostic(`flags accepted without effect so far: ${accepted.join(', ')}`);

    // The overlay is the chart for the overlay's values, so kustomize and Helm users get the same objects.
    const expected = byKey(renderChart(kustomizeValues(c.values), KUSTOMIZE_RELEASE, kustomizeTemplates));
    const got = byKey(objs.filter((o) => o.kind !== 'CustomResourceDefinition'));
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [k, o] of got) assert.deepEqual(o, expected.get(k), k);
  });
}

test('base: Skipper\'s ingress defaults - args, probes, no IngressClass "skipper", no Secrets', { skip }, () => {
  const objs = byKey(kustomize('base'));
  const d = objs.get('Deployment/kube-system/skipjack-ingress')!;
  const c = d.spec.template.spec.containers[0];
  for (const a of ['-kubernetes', '-kubernetes-in-cluster', '-proxy-preserve-host', '-address=:9999', '-kubernetes-path-mode=path-prefix']) assert.ok(c.args.includes(a), a);
  assert.equal(c.readinessProbe.httpGet.path, '/kube-system/healthz');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  const classes = [...objs.values()].filter((o) => o.kind === 'IngressClass').map((o) => o.metadata.name);
  assert.deepEqual(classes, ['skipjack']);
  const role = objs.get('ClusterRole//skipjack-ingress')!;
  assert.ok(!JSON.stringify(role.rules).includes('secrets'));
  assert.ok(!c.args.includes('-kubernetes-enable-tls'));
});

test('overlays: each says what it changes', { skip }, () => {
  const base = byKey(kustomize('base'));
  const get = (name: string) => byKey(kustomize(`overlays/${name}`));
  const args = (m: Map<string, Obj>, kind = 'Deployment', name = 'skipjack-ingress') => m.get(`${kind}/kube-system/${name}`)!.spec.template.spec.containers[0].args as string[];

  const hpa = get('deployment-hpa');
  assert.equal(hpa.get('HorizontalPodAutoscaler/kube-system/skipjack-ingress')!.spec.scaleTargetRef.name, 'skipjack-ingress');
  assert.equal(hpa.get('Deployment/kube-system/skipjack-ingress')!.spec.replicas, undefined, 'replicas left to the HPA');

  const ds = get('daemonset-hostnetwork');
  assert.ok(!ds.has('Deployment/kube-system/skipjack-ingress'));
  assert.equal(ds.get('DaemonSet/kube-system/skipjack-ingress')!.spec.template.spec.hostNetwork, true);

  const rs = get('routesrv');
  assert.ok(args(rs).includes('-routes-urls=http://skipjack-ingress-routesrv.kube-system.svc.cluster.local:9990/routes'));
  assert.ok(!args(rs).includes('-kubernetes'));
  assert.equal(args(rs, 'Deployment', 'skipjack-ingress-routesrv')[0], 'skipjack-routesrv');
  assert.equal(rs.get('Service/kube-system/skipjack-ingress-routesrv')!.spec.ports[0].port, 9990);

  const redis = get('swarm-redis');
  for (const a of ['-enable-swarm', '-enable-ratelimits', '-kubernetes-redis-service-namespace=kube-system', '-kubernetes-redis-service-name=skipjack-ingress-redis', '-kubernetes-redis-service-port=6379']) {
    assert.ok(args(redis).includes(a), a);
  }
  const svc = redis.get('Service/kube-system/skipjack-ingress-redis')!;
  const sts = redis.get('StatefulSet/kube-system/skipjack-ingress-redis')!;
  assert.equal(sts.spec.template.metadata.labels.application, svc.spec.selector.application, 'the Service selects the Redis pods');

  const wh = get('validation-webhook');
  const vwc = wh.get('ValidatingWebhookConfiguration//skipjack-ingress-webhook')!;
  assert.deepEqual(vwc.webhooks.map((w: Obj) => w.clientConfig.service.path).sort(), ['/ingresses', '/routegroups']);
  assert.ok(args(wh).includes('-validation-webhook-enabled'));
  const whSvc = wh.get('Service/kube-system/skipjack-ingress-webhook')!;
  assert.deepEqual(whSvc.spec.selector, base.get('Service/kube-system/skipjack-ingress')!.spec.selector);

  const tls = get('kubernetes-tls');
  assert.ok(args(tls).includes('-kubernetes-enable-tls'));
  assert.ok(JSON.stringify(tls.get('ClusterRole//skipjack-ingress')!.rules).includes('secrets'));
});
