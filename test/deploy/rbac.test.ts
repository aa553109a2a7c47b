/**
 * The RBAC in deploy/ grants what the Kubernetes data client reads and nothing more: the client runs against
 * the test API server, every request it makes is recorded as (apiGroup, resource, verb), and the ClusterRole
 * must allow each one (nothing missing) and use every grant (nothing extra). Secrets are granted only with
 * -kubernetes-enable-tls: the chart's kubernetesEnableTls value (which also passes the flag) and the
 * kustomize overlay kubernetes-tls. (Issue 12 item 1; the manifests are generated, so the chart's rendering
 * is what is checked, and test/deploy/kustomize.test.ts checks the kustomize output equals it.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApi, kubeConfigFromOptions } from '../../src/dataclients/kubernetes/api.ts';
import { ClusterWatcher } from '../../src/dataclients/kubernetes/client.ts';
import { defaultKubeOptions, type KubeOptions } from '../../src/dataclients/kubernetes/options.ts';
import { KUSTOMIZE_RELEASE, kustomizeTemplates, kustomizeValues, renderChart, type ValueOverrides } from '../../scripts/deploy/variants.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { waitFor } from '../support/wait.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

interface Access {
  group: string;
  resource: string;
  verb: string;
}

type Obj = Record<string, any>;

const key = (a: Access): string => `${a.group}/${a.resource}:${a.verb}`;

function grants(rules: readonly Rule[]): Access[] {
  return rules.flatMap((r) => r.apiGroups.flatMap((group) => r.resources.flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb })))));
}

function allows(rules: readonly Rule[], a: Access): boolean {
  const has = (list: string[], v: string) => list.includes(v) || list.includes('*');
  return rules.some((r) => has(r.apiGroups, a.group) && has(r.resources, a.resource) && has(r.verbs, a.verb));
}

/** `GET /apis/networking.k8s.io/v1/ingresses?watch=true…` → networking.k8s.io/ingresses:watch; null for discovery. */
function access(request: string): Access | null {
  const url = new URL(request.split(' ')[1]!, 'http://x');
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/[^/]+)?\/([^/]+)(\/[^/]+)?$/.exec(url.pathname);
  if (m === null) return null;
  const watch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');
  return { group: m[1] ?? '', resource: m[2]!, verb: watch ? 'watch' : m[3] !== undefined ? 'get' : 'list' };
}

/** What the data client requests with these options, once it lists and watches everything it needs. */
async function recorded(o: Partial<KubeOptions>): Promise<Access[]> {
  const server = await KubeApiServer.start([]);
  const options = { ...defaultKubeOptions(), url: server.url, ...o };
  const watcher = new ClusterWatcher({ api: new KubeApi(kubeConfigFromOptions(options)), options, log: () => {} });
  try {
    await watcher.load(true);
    const collections = watcher.stats().length;
    await waitFor('every collection watched', () => server.requests.filter((r) => /[?&]watch=/.test(r)).length >= collections, 10_000);
    const out: Access[] = [];
    for (const r of server.requests) {
      const a = access(r);
      if (a !== null) out.push(a);
      else assert.equal(r, 'GET /apis/zalando.org/v1', 'only API discovery is not a resource request (system:discovery allows it)');
    }
    return out;
  } finally {
    watcher.stop();
    await server.stop();
  }
}

function rendered(values: ValueOverrides): { rules: Rule[]; args: string[]; binding: Obj } {
  const objs = renderChart(kustomizeValues(values), KUSTOMIZE_RELEASE, kustomizeTemplates) as Obj[];
  const role = objs.find((o) => o.kind === 'ClusterRole')!;
  const workload = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === KUSTOMIZE_RELEASE.name)!;
  return { rules: role.rules, args: workload.spec.template.spec.containers[0].args, binding: objs.find((o) => o.kind === 'ClusterRoleBinding')! };
}

test('default RBAC: every request of the client is allowed, every grant is used, no Secrets', async () => {
  const { rules, args, binding } = rendered({});
  const used = [...await recorded({}), ...await recorded({ enableEndpointSlices: true })];
  for (const a of used) assert.ok(allows(rules, a), `missing grant: ${key(a)}`);
  const usedKeys = new Set(used.map(key));
  for (const g of grants(rules)) assert.ok(usedKeys.has(key(g)), `granted but never requested: ${key(g)}`);
  assert.ok(!grants(rules).some((g) => g.resource === 'secrets' || g.resource === '*'), 'no Secrets without -kubernetes-enable-tls');
  assert.ok(!args.includes('-kubernetes-enable-tls'));
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'skipjack-ingress', namespace: 'kube-system' }]);
});

test('kubernetesEnableTls: the flag, and list/watch on Secrets - just what the client then requests', async () => {
  const plain = rendered({}).rules;
  const { rules, args } = rendered({ kubernetesEnableTls: true });
  assert.ok(args.includes('-kubernetes-enable-tls'));
  const used = await recorded({ enableTLS: true });
  assert.deepEqual(used.filter((a) => a.resource === 'secrets').map(key).sort(), ['/secrets:list', '/secrets:watch']);
  for (const a of used) assert.ok(allows(rules, a), `missing grant: ${key(a)}`);
  const added = grants(rules).map(key).filter((k) => !grants(plain).map(key).includes(k));
  assert.deepEqual(added.sort(), ['/secrets:list', '/secrets:watch']);
});
