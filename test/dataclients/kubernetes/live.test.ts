/**
 * The Kubernetes route source end to end: test API server, real @kubernetes/client-node, real conversion.
 * Every assertion is on the route lists the source pushes, as the route updater would receive them.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, TLSCertificate } from '../../../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../src/dataclients/kubernetes/options.ts';
import { createKubernetesSource } from '../../../src/dataclients/kubernetes/source.ts';
import type { RouteSourceUpdate } from '../../../src/dataclients/types.ts';
import { applyDelta } from '../../../src/server/route-delta.ts';
import type { RouteDef } from '../../../src/eskip/ast.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, routeGroup, service } from '../../support/kube-objects.ts';
import { waitFor } from '../../support/wait.ts';

async function live(t: TestContext, objects: KubeObject[], o: Partial<KubeOptions> = {}) {
  const api = await KubeApiServer.start(objects);
  t.after(() => api.stop());
  const updates: RouteDef[][] = [];
  const errors: Error[] = [];
  const source = createKubernetesSource(
    { ...defaultKubeOptions(), url: api.url, ...o },
    { log: () => {}, backoff: { minMs: 20, maxMs: 200 }, coalesceMs: 5 },
  );
  t.after(() => source.stop());
  await source.start(
    (u) => updates.push(u.routes),
    (e) => errors.push(e),
  );
  const latest = () => updates.at(-1)!;
  const ids = () => latest().map((r) => r.id).sort();
  // One endpoint gives a network backend, more an LB backend (Skipper's rule).
  const backendsOf = (id: string) => {
    const r = latest().find((x) => x.id === id);
    return r?.backendType === 'network' ? [r.backend!] : r?.lbEndpoints?.map((e) => e.address).sort();
  };
  return { api, updates, errors, latest, ids, backendsOf };
}

const shopRoute = 'kube_default__shop__shop_example_org_____shop';

test('add, modify and delete events reach the pushed route list', async (t) => {
  const l = await live(t, [service('shop'), endpoints('shop', ['10.2.0.1'])]);
  assert.deepEqual(l.latest(), [], 'first list pushed before start() resolves');

  l.api.apply(ingress('shop', { host: 'shop.example.org', service: 'shop' }));
  await waitFor('ingress route', () => l.ids().includes(shopRoute));
  assert.deepEqual(l.backendsOf(shopRoute), ['http://10.2.0.1:8080']);

  l.api.apply(endpoints('shop', ['10.2.0.1', '10.2.0.2']));
  await waitFor('endpoint added', () => l.backendsOf(shopRoute)?.length === 2);

  l.api.apply(routeGroup('rg', 'rg.example.org', 'shop'));
  await waitFor('route group route', () => l.ids().includes('kube_rg__default__rg__all__0_0'));

  l.api.delete('Ingress', 'default', 'shop');
  await waitFor('ingress route removed', () => !l.ids().includes(shopRoute));
  assert.ok(l.ids().includes('kube_rg__default__rg__all__0_0'));
});

test('a burst of events is coalesced into few conversions of the newest state', async (t) => {
  const l = await live(t, [service('shop'), endpoints('shop', ['10.2.0.1'])]);
  const before = l.updates.length;
  for (let i = 0; i < 200; i++) l.api.apply(ingress(`i${i}`, { host: `h${i}.example.org`, service: 'shop' }));
  await waitFor('all 200 ingresses', () => l.ids().filter((id) => id.startsWith('kube_default__i')).length === 200);
  assert.ok(l.updates.length - before < 200, `${l.updates.length - before} updates for 200 events`);
});

test('a change that leaves every route as it was pushes no list (no recompile downstream)', async (t) => {
  const api = await KubeApiServer.start([service('shop'), endpoints('shop', ['10.2.0.1']), ingress('shop', { host: 'shop.example.org', service: 'shop' })]);
  t.after(() => api.stop());
  let conversions = 0;
  const updates: RouteDef[][] = [];
  const source = createKubernetesSource({ ...defaultKubeOptions(), url: api.url }, { log: () => {}, coalesceMs: 5, onConverted: () => conversions++ });
  t.after(() => source.stop());
  await source.start((u) => updates.push(u.routes), () => {});
  assert.equal(updates.length, 1);
  // Endpoints of a Service no route uses, and an Ingress of another class: converted, nothing changes.
  api.apply(endpoints('unused', ['10.9.0.1']));
  await waitFor('first conversion', () => conversions === 2);
  api.apply(ingress('other', { host: 'other.example.org', service: 'shop', ingressClassName: 'nginx' }));
  await waitFor('second conversion', () => conversions === 3);
  assert.equal(updates.length, 1, 'no list pushed for changes no route sees');
  api.apply(endpoints('shop', ['10.2.0.2']));
  await waitFor('a real change is pushed', () => updates.length === 2);
  assert.ok(JSON.stringify(updates[1]).includes('10.2.0.2'));
});

test('410 Gone: re-list, and changes made meanwhile arrive', async (t) => {
  const l = await live(t, [service('shop'), endpoints('shop', ['10.2.0.1']), ingress('shop', { host: 'shop.example.org', service: 'shop' })]);
  await waitFor('watches open', () => l.api.openWatches >= 4);
  l.api.expireWatches();
  l.api.apply(endpoints('shop', ['10.2.0.9']));
  await waitFor('re-listed endpoints', () => l.backendsOf(shopRoute)?.join() === 'http://10.2.0.9:8080');
});

test('the API server dying keeps the last routes; its return brings the changes', async (t) => {
  const l = await live(t, [service('shop'), endpoints('shop', ['10.2.0.1']), ingress('shop', { host: 'shop.example.org', service: 'shop' })]);
  const pushed = l.updates.length;
  await l.api.stop();
  await waitFor('errors reported while away', () => l.errors.length > 0);
  assert.equal(l.updates.length, pushed, 'no route list pushed while the API is away');
  assert.ok(l.ids().includes(shopRoute));
  l.api.apply(ingress('extra', { host: 'extra.example.org', service: 'shop' }));
  await l.api.restart();
  await waitFor('change made during the outage', () => l.ids().includes('kube_default__extra__extra_example_org_____shop'));
});

test('namespace scoping, label selectors and ingress class filtering', async (t) => {
  const l = await live(
    t,
    [
      service('shop', 'team'),
      endpoints('shop', ['10.2.0.1'], 'team'),
      service('shop', 'other'),
      endpoints('shop', ['10.2.0.2'], 'other'),
      ingress('a', { ns: 'team', host: 'a.example.org', service: 'shop', labels: { expose: 'yes' } }),
      ingress('b', { ns: 'team', host: 'b.example.org', service: 'shop' }),
      ingress('c', { ns: 'other', host: 'c.example.org', service: 'shop', labels: { expose: 'yes' } }),
      ingress('d', { ns: 'team', host: 'd.example.org', service: 'shop', labels: { expose: 'yes' }, ingressClassName: 'nginx' }),
      ingress('e', {
        ns: 'team',
        host: 'e.example.org',
        service: 'shop',
        labels: { expose: 'yes' },
        annotations: { 'kubernetes.io/ingress.class': 'nginx' },
      }),
      ingress('f', { ns: 'team', host: 'f.example.org', service: 'shop', labels: { expose: 'yes' }, ingressClassName: 'skipper' }),
    ],
    { namespace: 'team', ingressLabelSelectors: { expose: 'yes' } },
  );
  const hosts = () => [...new Set(l.latest().map((r) => r.id.split('__')[2]))].sort();
  assert.deepEqual(hosts(), ['a_example_org', 'f_example_org']);
  l.api.apply(ingress('b', { ns: 'team', host: 'b.example.org', service: 'shop', labels: { expose: 'yes' } }));
  await waitFor('relabelled ingress selected', () => hosts().includes('b_example_org'));
});

test('an invalid RouteGroup drops only its own routes, with one log line and a count for metrics', async (t) => {
  const api = await KubeApiServer.start([service('shop'), endpoints('shop', ['10.2.0.1']), ingress('shop', { host: 'shop.example.org', service: 'shop' })]);
  t.after(() => api.stop());
  const logs: string[] = [];
  const counts: Record<string, number>[] = [];
  let routes: RouteDef[] = [];
  const source = createKubernetesSource(
    { ...defaultKubeOptions(), url: api.url },
    { log: (e) => logs.push(`${e.level} ${e.kind}/${e.ns}/${e.name}: ${e.msg}`), onConverted: (i) => counts.push(i.invalidObjects) },
  );
  t.after(() => source.stop());
  await source.start((u) => (routes = u.routes), () => {});
  const bad = routeGroup('broken', 'broken.example.org', 'shop');
  delete bad.spec.backends;
  api.apply(bad);
  await waitFor('rejection counted', () => counts.at(-1)?.RouteGroup === 1);
  assert.ok(routes.some((r) => r.id === shopRoute), 'other routes keep serving');
  assert.ok(!routes.some((r) => r.id.includes('broken')));
  assert.ok(logs.some((l) => l.startsWith('error RouteGroup/default/broken: ')), logs.join('\n'));
});

test('certificates are handed on only when they change; the same objects are not compared by content', async (t) => {
  const api = await KubeApiServer.start([service('shop'), endpoints('shop', ['10.2.0.1'])]);
  t.after(() => api.stop());
  let pemReads = 0;
  const cert = (host: string, pem: string): TLSCertificate => {
    const c = { hosts: [host], secretNamespace: 'default', secretName: host, key: 'k' } as TLSCertificate;
    Object.defineProperty(c, 'cert', { get: () => (pemReads++, pem) });
    return c;
  };
  const a = cert('a.example.org', 'A');
  let current: TLSCertificate[] = [a];
  let conversions = 0;
  const handed: TLSCertificate[][] = [];
  const source = createKubernetesSource(
    { ...defaultKubeOptions(), url: api.url },
    { log: () => {}, coalesceMs: 5, convert: () => (conversions++, { routes: [], certificates: current.slice() }), onCertificates: (c) => handed.push(c) },
  );
  t.after(() => source.stop());
  await source.start(() => {}, () => {});
  assert.equal(handed.length, 1);
  const convertedAfter = async (n: number, name: string) => {
    api.apply(ingress(name, { host: `${name}.example.org`, service: 'shop' }));
    await waitFor(`conversion ${n}`, () => conversions >= n);
  };
  const reads = pemReads;
  await convertedAfter(2, 'x');
  assert.equal(pemReads, reads, 'the same certificate objects: no key built');
  assert.equal(handed.length, 1);
  current = [cert('a.example.org', 'A')];
  await convertedAfter(3, 'y');
  assert.ok(pemReads > reads, 'new objects are compared by content');
  assert.equal(handed.length, 1, 'equal content: not handed on');
  current = [a, cert('b.example.org', 'B')];
  await convertedAfter(4, 'z');
  assert.equal(handed.length, 2);
  assert.deepEqual(handed[1]!.map((c) => c.hosts[0]), ['a.example.org', 'b.example.org']);
});

test('updates say how the list differs from the previous one, as splices -workers can send without a diff', async (t) => {
  const api = await KubeApiServer.start([service('shop'), endpoints('shop', ['10.2.0.1']), ingress('a', { host: 'a.example.org', service: 'shop' }), ingress('c', { host: 'c.example.org', service: 'shop' })]);
  t.after(() => api.stop());
  const updates: RouteSourceUpdate[] = [];
  const source = createKubernetesSource({ ...defaultKubeOptions(), url: api.url }, { log: () => {}, coalesceMs: 5 });
  t.after(() => source.stop());
  await source.start((u) => updates.push(u), () => {});
  const check = (n: number) => {
    const u = updates[n]!;
    assert.ok(u.change, `update ${n} carries its change`);
    assert.equal(u.change.from, updates[n - 1]!.routes);
    const applied = applyDelta(u.change.from, { hunks: [...u.change.hunks], inserted: [...u.change.inserted] });
    assert.equal(applied.length, u.routes.length);
    applied.forEach((r, i) => assert.equal(r, u.routes[i], `update ${n}, route ${i}: the same object`));
  };
  api.apply(ingress('b', { host: 'b.example.org', service: 'shop' }));
  await waitFor('b added', () => updates.length === 2);
  check(1);
  api.apply(endpoints('shop', ['10.2.0.1', '10.2.0.2']));
  await waitFor('endpoints changed', () => updates.length === 3);
  check(2);
  assert.ok(updates[2]!.change!.inserted.length >= 3, 'every route of the service');
  api.delete('Ingress', 'default', 'a');
  await waitFor('a deleted', () => updates.length === 4);
  check(3);
});
