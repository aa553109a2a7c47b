/**
 * The RBAC in deploy/ grants what the Kubernetes data client reads and nothing more: the client runs against
 * the test API server, every request it makes is recorded as (apiGroup, resource, verb), and the manifests
 * must allow each one (nothing missing) and use every grant (nothing extra). Secrets are granted only for
 * -kubernetes-enable-tls: by a separate manifest, and in the Helm chart under the value that sets the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { KubeApi, kubeConfigFromOptions } from '../../src/dataclients/kubernetes/api.ts';
import { ClusterWatcher } from '../../src/dataclients/kubernetes/client.ts';
import { defaultKubeOptions, type KubeOptions } from '../../src/dataclients/kubernetes/options.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { waitFor } from '../support/wait.ts';

const deploy = (p: string): string => readFileSync(new URL(`../../deploy/${p}`, import.meta.url), 'utf8');

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

const key = (a: Access): string => `${a.group}/${a.resource}:${a.verb}`;

function clusterRoles(text: string): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as { kind?: string; metadata?: { name: string }; rules?: Rule[] } | null;
    if (o?.kind === 'ClusterRole') out.set(o.metadata!.name, o.rules ?? []);
  }
  return out;
}

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

const plainRoles = clusterRoles(deploy('kubernetes/rbac.yaml'));
const plainRules = plainRoles.get('skipjack-ingress')!;
const tlsRules = clusterRoles(deploy('kubernetes/rbac-tls-secrets.yaml')).get('skipjack-ingress-tls-secrets')!;

test('deploy/kubernetes/rbac.yaml: every request of the client is allowed, every grant is used, no Secrets', async () => {
  assert.ok(plainRules !== undefined && tlsRules !== undefined, 'both ClusterRoles are there');
  const used = [...await recorded({}), ...await recorded({ enableEndpointSlices: true })];
  for (const a of used) assert.ok(allows(plainRules, a), `missing grant: ${key(a)}`);
  const usedKeys = new Set(used.map(key));
  for (const g of grants(plainRules)) assert.ok(usedKeys.has(key(g)), `granted but never requested: ${key(g)}`);
  assert.ok(!grants(plainRules).some((g) => g.resource === 'secrets' || g.resource === '*'), 'no Secrets without -kubernetes-enable-tls');
});

test('with -kubernetes-enable-tls the client lists and watches Secrets, and rbac-tls-secrets.yaml grants just that', async () => {
  const used = await recorded({ enableTLS: true });
  const secrets = used.filter((a) => a.resource === 'secrets');
  assert.deepEqual(secrets.map(key).sort(), ['/secrets:list', '/secrets:watch']);
  for (const a of used) assert.ok(allows([...plainRules, ...tlsRules], a), `missing grant: ${key(a)}`);
  assert.deepEqual(grants(tlsRules).map(key).sort(), ['/secrets:list', '/secrets:watch']);
  const binding = parseAllDocuments(deploy('kubernetes/rbac-tls-secrets.yaml')).map((d) => d.toJS()).find((o) => o?.kind === 'ClusterRoleBinding');
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'skipjack-ingress', namespace: 'kube-system' }]);
});

// The chart is checked as text (no helm binary here): outside the kubernetesEnableTls block its ClusterRole is
// the plain manifest's, inside the block there is the Secrets rule and nothing else.
const tlsBlock = /\{\{-? if \.Values\.kubernetesEnableTls \}\}([\s\S]*?)\{\{-? end \}\}/g;

function withoutTemplating(text: string): string {
  return text.replace(tlsBlock, '').replace(/\{\{[^}]*\}\}/g, 'x');
}

test('Helm chart: the ClusterRole grants what the plain manifest grants, Secrets only under kubernetesEnableTls', () => {
  const template = deploy('helm/skipjack/templates/rbac.yaml');
  const blocks = [...template.matchAll(tlsBlock)].map((m) => m[1]!);
  assert.equal(blocks.length, 1, 'one conditional Secrets rule');
  assert.deepEqual(grants(parseYaml(blocks[0]!) as Rule[]).map(key).sort(), ['/secrets:list', '/secrets:watch']);
  const base = clusterRoles(withoutTemplating(template));
  assert.deepEqual([...base.values()][0], plainRules);
  assert.doesNotMatch(withoutTemplating(template), /secrets/);
});

test('Helm chart: kubernetesEnableTls is off by default and is what passes -kubernetes-enable-tls', () => {
  const values = parseYaml(deploy('helm/skipjack/values.yaml')) as { kubernetesEnableTls?: boolean; extraArgs?: string[] };
  assert.equal(values.kubernetesEnableTls, false);
  assert.ok(!(values.extraArgs ?? []).some((a) => a.includes('kubernetes-enable-tls')), 'not turned on behind the value\'s back');
  const workload = deploy('helm/skipjack/templates/workload.yaml');
  const blocks = [...workload.matchAll(tlsBlock)].map((m) => m[1]!);
  assert.ok(blocks.some((b) => b.includes('"-kubernetes-enable-tls"')));
  assert.doesNotMatch(withoutTemplating(workload), /kubernetes-enable-tls/);
});

test('the plain Deployment does not turn on -kubernetes-enable-tls (its RBAC has no Secrets)', () => {
  assert.doesNotMatch(deploy('kubernetes/deployment.yaml'), /kubernetes-enable-tls/);
});
