/**
 * Absurdly large API objects are refused by name and bound while the other objects keep being served:
 * oversized objects at the watch layer (-kubernetes-max-object-bytes), objects converting to too many routes
 * (-kubernetes-max-routes-per-object, a routes annotation refused before it is parsed). Route-level errors of
 * Kubernetes routes name their object.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApi, kubeConfigFromOptions } from '../../../src/dataclients/kubernetes/api.ts';
import { ClusterWatcher } from '../../../src/dataclients/kubernetes/client.ts';
import { convertClusterState, createIncrementalConverter } from '../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions } from '../../../src/dataclients/kubernetes/options.ts';
import { routeLog } from '../../../src/routing/pipeline.ts';
import type { RouteTable } from '../../../src/routing/types.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, routeGroup, service } from '../../support/kube-objects.ts';
import { waitFor } from '../../support/wait.ts';

const state = (objs: KubeObject[]): ClusterState => ({
  ingresses: objs.filter((o) => o.kind === 'Ingress'),
  routeGroups: objs.filter((o) => o.kind === 'RouteGroup'),
  services: objs.filter((o) => o.kind === 'Service'),
  endpoints: objs.filter((o) => o.kind === 'Endpoints'),
  endpointSlices: [],
  secrets: [],
});

test('an Ingress whose routes annotation holds a million routes is refused unparsed; the others are served', () => {
  const huge = ingress('huge', { ns: 'ns', host: 'huge.example.org', service: 'svc', annotations: { 'zalando.org/skipper-routes': 'r: * -> <shunt>;\n'.repeat(1_000_000) } });
  const objs = [huge, ingress('ok', { ns: 'ns', host: 'ok.example.org', service: 'svc' }), service('svc', 'ns'), endpoints('svc', ['10.0.0.1'], 'ns')];
  for (const convert of [convertClusterState, createIncrementalConverter()]) {
    const logs: KubeLogEntry[] = [];
    const { routes } = convert(state(objs), defaultKubeOptions(), (e) => logs.push(e));
    assert.ok(routes.some((r) => r.name === 'ok'), 'the other Ingress is served');
    assert.ok(!routes.some((r) => r.name === 'huge'));
    const refusal = logs.find((l) => l.name === 'huge')!;
    assert.deepEqual([refusal.level, refusal.kind, refusal.ns], ['error', 'Ingress', 'ns']);
    assert.match(refusal.msg, /zalando\.org\/skipper-routes.*1000001 routes, more than the 10000 allowed per object \(-kubernetes-max-routes-per-object\)/);
  }
});

test('a RouteGroup converting to more routes than the bound is refused by name; the others are served', () => {
  const big = routeGroup('big', 'big.example.org', 'svc', 'ns');
  big.spec.routes = Array.from({ length: 6 }, (_, i) => ({ path: `/p${i}` }));
  const objs = [big, routeGroup('small', 'small.example.org', 'svc', 'ns'), service('svc', 'ns'), endpoints('svc', ['10.0.0.1'], 'ns')];
  const opts = { ...defaultKubeOptions(), maxRoutesPerObject: 4 };
  for (const convert of [convertClusterState, createIncrementalConverter()]) {
    const logs: KubeLogEntry[] = [];
    const { routes } = convert(state(objs), opts, (e) => logs.push(e));
    assert.ok(routes.some((r) => r.name === 'small'));
    assert.ok(!routes.some((r) => r.name === 'big'));
    const refusal = logs.find((l) => l.name === 'big')!;
    assert.deepEqual([refusal.kind, refusal.ns], ['RouteGroup', 'ns']);
    assert.match(refusal.msg, /more than the 4 allowed per object \(-kubernetes-max-routes-per-object\)/);
  }
});

test('an object larger than -kubernetes-max-object-bytes is refused by kind/namespace/name, listed or watched', async (t) => {
  const big = (name: string) => ingress(name, { ns: 'ns', host: `${name}.example.org`, service: 'svc', annotations: { 'x/blob': 'x'.repeat(1 << 20) } });
  const server = await KubeApiServer.start([big('listed'), ingress('ok', { ns: 'ns', host: 'ok.example.org', service: 'svc' }), service('svc', 'ns')]);
  t.after(() => server.stop());
  const options = { ...defaultKubeOptions(), url: server.url, maxObjectBytes: 64 << 10 };
  const logs: KubeLogEntry[] = [];
  const watcher = new ClusterWatcher({ api: new KubeApi(kubeConfigFromOptions(options)), options, log: (e) => logs.push(e), backoff: { minMs: 20, maxMs: 200 } });
  t.after(() => watcher.stop());
  await watcher.load(true);
  const names = () => watcher.snapshot().ingresses.map((o) => o.metadata.name);
  assert.deepEqual(names(), ['ok']);
  const refusal = logs.find((l) => l.name === 'listed')!;
  assert.deepEqual([refusal.level, refusal.kind, refusal.ns], ['error', 'Ingress', 'ns']);
  assert.equal(refusal.msg, 'refused: larger than the 65536 bytes allowed per object (-kubernetes-max-object-bytes)');

  // An object growing past the bound is dropped; shrinking back, it returns.
  server.apply(big('ok'));
  await waitFor('oversized update dropped', () => names().length === 0);
  assert.ok(logs.some((l) => l.name === 'ok' && l.msg.startsWith('refused: larger')));
  server.apply(ingress('ok', { ns: 'ns', host: 'ok.example.org', service: 'svc' }));
  await waitFor('back within the bound', () => names().length === 1);
});

test('an invalid Kubernetes route is logged naming its kind, namespace and name', () => {
  const warned: string[] = [];
  const log = routeLog({ info: () => {}, warn: (m) => warned.push(m) });
  const def = { id: 'kube_ns__app__app_example_org____svc', predicates: [], filters: [], backendType: 'shunt' as const, kind: 'Ingress', namespace: 'ns', name: 'app' };
  const inv = { id: def.id, reason: 'unknown_filter', message: 'unknown filter nope', def };
  log.built({ table: { routes: [], invalid: [inv] } as unknown as RouteTable, generation: 1, defs: [], seconds: 0 });
  assert.equal(warned[0], 'Ingress ns/app: invalid route "kube_ns__app__app_example_org____svc" (unknown_filter): unknown filter nope');
});
