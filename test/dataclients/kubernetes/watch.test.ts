/**
 * The watch layer against the test API server through the real @kubernetes/client-node: the ClusterState the
 * conversion receives follows add/modify/delete events, 410 re-lists, API outages and selectors.
 */
import { test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { KubeApi, kubeConfigFromOptions } from '../../../src/dataclients/kubernetes/api.ts';
import { ClusterWatcher } from '../../../src/dataclients/kubernetes/client.ts';
import type { KubeLogEntry, KubeObject } from '../../../src/dataclients/kubernetes/convert/types.ts';
import { TrackedCollection } from '../../../src/dataclients/kubernetes/convert/collection-diff.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../src/dataclients/kubernetes/options.ts';
import { KubeApiServer, type KubeApiOptions } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, routeGroup, service } from '../../support/kube-objects.ts';
import { waitFor } from '../../support/wait.ts';

const fastBackoff = { minMs: 20, maxMs: 200 };

async function setup(t: TestContext, objects: KubeObject[], o: Partial<KubeOptions> = {}, apiOpts: KubeApiOptions = {}) {
  const server = await KubeApiServer.start(objects, apiOpts);
  t.after(() => server.stop());
  const options = { ...defaultKubeOptions(), url: server.url, ...o };
  const logs: KubeLogEntry[] = [];
  let changes = 0;
  const watcher = new ClusterWatcher({
    api: new KubeApi(kubeConfigFromOptions(options)),
    options,
    log: (e) => logs.push(e),
    backoff: fastBackoff,
    onChange: () => changes++,
  });
  t.after(() => watcher.stop());
  return { server, watcher, logs, changes: () => changes };
}

const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

test('initial list, then add/modify/delete events reach the state', async (t) => {
  const { server, watcher } = await setup(t, [ingress('b', { host: 'b.example', service: 'svc' }), service('svc')]);
  await watcher.load(true);
  assert.deepEqual(names(watcher.snapshot().ingresses), ['default/b']);
  assert.deepEqual(names(watcher.snapshot().routeGroups), []);

  server.apply(ingress('a', { host: 'a.example', service: 'svc' }));
  await waitFor('ADDED a', () => watcher.snapshot().ingresses.length === 2);
  assert.deepEqual(names(watcher.snapshot().ingresses), ['default/a', 'default/b'], 'sorted by namespace/name');

  server.apply(ingress('a', { host: 'a2.example', service: 'svc' }));
  await waitFor('MODIFIED a', () => watcher.snapshot().ingresses[0]!.spec.rules[0].host === 'a2.example');

  server.delete('Ingress', 'default', 'b');
  await waitFor('DELETED b', () => watcher.snapshot().ingresses.length === 1);
  server.apply(routeGroup('rg', 'rg.example', 'svc'));
  await waitFor('route group', () => watcher.snapshot().routeGroups.length === 1);
});

test('each snapshot carries what the events changed since the previous one, so the converter scans no collection', async (t) => {
  const { server, watcher, changes } = await setup(t, [
    ingress('a', { host: 'a.example', service: 'svc' }), ingress('b', { host: 'b.example', service: 'svc' }), ingress('c', { host: 'c.example', service: 'svc' }), service('svc'),
  ]);
  await watcher.load(true);
  await waitFor('watches open', () => server.openWatches === 4);
  const tracked = new TrackedCollection();
  const s0 = watcher.snapshot().ingresses;
  tracked.diff(s0);
  const byName = (objs: readonly KubeObject[]) => names([...objs]).sort();
  const before = changes();
  // Modified, deleted, added, and one added then deleted before the snapshot (no net change).
  server.apply(ingress('b', { host: 'b2.example', service: 'svc' }));
  server.delete('Ingress', 'default', 'c');
  server.apply(ingress('d', { host: 'd.example', service: 'svc' }));
  server.apply(ingress('e', { host: 'e.example', service: 'svc' }));
  server.delete('Ingress', 'default', 'e');
  // Waiting on the change count, not on snapshots: every snapshot taken would start a new record.
  await waitFor('five events', () => changes() === before + 5);
  const s1 = watcher.snapshot().ingresses;
  assert.deepEqual(names(s1), ['default/a', 'default/b', 'default/d']);
  const d = tracked.diff(s1);
  assert.deepEqual(tracked.stats, { scans: 1, recorded: 1 }, 'the second diff is the recorded one');
  assert.deepEqual(byName(d.added), ['default/b', 'default/d']);
  assert.deepEqual(byName(d.removed), ['default/b', 'default/c']);
  assert.ok(d.removed.every((o) => s0.includes(o)) && d.added.every((o) => s1.includes(o)));
  // The same as a scan finds.
  const scanning = new TrackedCollection();
  scanning.diff(s0.slice());
  const scanned = scanning.diff(s1.slice());
  assert.equal(scanning.stats.scans, 2);
  assert.deepEqual(new Set(scanned.added), new Set(d.added));
  assert.deepEqual(new Set(scanned.removed), new Set(d.removed));
  // After a re-list there is no record: the next diff scans.
  server.expireWatches();
  server.apply(ingress('f', { host: 'f.example', service: 'svc' }));
  await waitFor('re-list sees f', () => watcher.snapshot().ingresses.length === 4);
  const d2 = tracked.diff(watcher.snapshot().ingresses);
  assert.deepEqual(tracked.stats, { scans: 2, recorded: 1 });
  assert.ok(d2.added.some((o) => o.metadata.name === 'f'));
});

test('410 Gone makes the reflectors re-list', async (t) => {
  const { server, watcher } = await setup(t, [service('svc')]);
  await watcher.load(true);
  await waitFor('watches open', () => server.openWatches === 4);
  const serviceLists = () => server.requests.filter((r) => /^GET \/api\/v1\/services(\?|$)/.test(r) && !r.includes('watch=')).length;
  const listsBefore = serviceLists();
  server.expireWatches();
  server.apply(service('svc2'));
  await waitFor('re-list sees svc2', () => watcher.snapshot().services.length === 2);
  const listsAfter = serviceLists();
  assert.ok(listsAfter > listsBefore, `services listed again (${listsBefore} → ${listsAfter})`);
});

test('the state survives the API server dying and follows it when it returns', async (t) => {
  const errors: Error[] = [];
  const server = await KubeApiServer.start([ingress('a', { host: 'a.example', service: 'svc' })]);
  t.after(() => server.stop());
  const options = { ...defaultKubeOptions(), url: server.url };
  const watcher = new ClusterWatcher({
    api: new KubeApi(kubeConfigFromOptions(options)),
    options,
    log: () => {},
    backoff: fastBackoff,
    onError: (e) => errors.push(e),
  });
  t.after(() => watcher.stop());
  await watcher.load(true);
  await server.stop();
  await waitFor('an error while the API is away', () => errors.length > 0);
  assert.deepEqual(names(watcher.snapshot().ingresses), ['default/a'], 'last good state kept');
  server.apply(ingress('b', { host: 'b.example', service: 'svc' }));
  await server.restart();
  await waitFor('events after the restart', () => watcher.snapshot().ingresses.length === 2);
  server.expireWatches();
  server.delete('Ingress', 'default', 'a');
  await waitFor('re-list after restart and 410', () => names(watcher.snapshot().ingresses).join() === 'default/b');
});

test('namespace scoping and label selectors are applied by the API', async (t) => {
  const { server, watcher } = await setup(
    t,
    [
      ingress('a', { ns: 'team', host: 'a', service: 's', labels: { on: 'yes' } }),
      ingress('b', { ns: 'team', host: 'b', service: 's' }),
      ingress('c', { ns: 'other', host: 'c', service: 's', labels: { on: 'yes' } }),
      service('s', 'team', 80, 8080, { svc: 'x' }),
      service('s', 'other', 80, 8080, { svc: 'x' }),
      endpoints('s', ['10.0.0.1'], 'team'),
    ],
    { namespace: 'team', ingressLabelSelectors: { on: 'yes' }, servicesLabelSelectors: { svc: 'x' } },
  );
  await watcher.load(true);
  assert.deepEqual(names(watcher.snapshot().ingresses), ['team/a']);
  assert.deepEqual(names(watcher.snapshot().services), ['team/s']);
  assert.ok(server.requests.includes('GET /apis/networking.k8s.io/v1/namespaces/team/ingresses?labelSelector=on%3Dyes'));
  // Relabelling moves objects in and out of the selection (the API sends ADDED / DELETED).
  server.apply(ingress('b', { ns: 'team', host: 'b', service: 's', labels: { on: 'yes' } }));
  server.apply(ingress('a', { ns: 'team', host: 'a', service: 's' }));
  server.apply(ingress('d', { ns: 'other', host: 'd', service: 's', labels: { on: 'yes' } }));
  await waitFor('relabelled', () => names(watcher.snapshot().ingresses).join() === 'team/b');
});

test('endpoint slices and secrets are read only when enabled', async (t) => {
  const { server, watcher } = await setup(t, [], { enableEndpointSlices: true, enableTLS: true });
  await watcher.load(false);
  const paths = watcher.stats().map((s) => s.path);
  assert.deepEqual(paths, [
    '/apis/networking.k8s.io/v1/ingresses',
    '/apis/zalando.org/v1/routegroups',
    '/api/v1/services',
    '/apis/discovery.k8s.io/v1/endpointslices',
    '/api/v1/secrets',
  ]);
  assert.equal(server.openWatches, 0, 'load(false) opens no watches');
});

test('without the RouteGroup CRD, route groups are not read; failures follow Skipper', async (t) => {
  const missing = await setup(t, [], {}, { disableRouteGroups: true });
  await missing.watcher.load(false);
  assert.ok(!missing.watcher.stats().some((s) => s.path.includes('routegroups')));

  const broken = await setup(t, [], {}, { failOn: ['/apis/zalando.org/v1'] });
  await broken.watcher.load(false);
  assert.match(broken.logs.map((l) => l.msg).join('\n'), /^Error while checking known resource types: .+[.]$/m);

  const failing = await setup(t, [], {}, { failOn: ['/api/v1/endpoints'] });
  await assert.rejects(failing.watcher.load(false), /^Error: failed to load cluster state: .+/);
});

test('-kubernetes-token-file: the token is sent as a bearer token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 's3cret');
  const ok = await setup(t, [service('svc')], { tokenFile }, { token: 's3cret' });
  await ok.watcher.load(false);
  assert.deepEqual(names(ok.watcher.snapshot().services), ['default/svc']);
  const denied = await setup(t, [service('svc')], {}, { token: 's3cret' });
  await assert.rejects(denied.watcher.load(false), /failed to load cluster state: request failed, status: 401/);
  assert.throws(() => kubeConfigFromOptions({ inCluster: false, url: 'http://x', tokenFile: join(dir, 'missing') }), /ENOENT.*missing/);
});

test('watchdog: a silent watch is dropped and resumed from the last version, without errors', async (t) => {
  const server = await KubeApiServer.start([service('svc')]);
  t.after(() => server.stop());
  const options = { ...defaultKubeOptions(), url: server.url };
  const errors: Error[] = [];
  const watcher = new ClusterWatcher({
    api: new KubeApi(kubeConfigFromOptions(options), 150),
    options,
    log: () => {},
    backoff: fastBackoff,
    onError: (e) => errors.push(e),
  });
  t.after(() => watcher.stop());
  await watcher.load(true);
  const services = () => watcher.stats().find((s) => s.path === '/api/v1/services')!;
  await waitFor('re-watched after silence', () => services().watches >= 3);
  assert.equal(services().lists, 1, 'resumed, not re-listed');
  assert.deepEqual(errors, []);
  server.apply(service('svc2'));
  await waitFor('events still arrive', () => watcher.snapshot().services.length === 2);
});

test('managedFields and the last-applied annotation are not kept', async (t) => {
  const bulky = ingress('a', { host: 'a', service: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}', keep: 'me' } });
  bulky.metadata.managedFields = [{ manager: 'kubectl' }];
  const { server, watcher } = await setup(t, [bulky]);
  await watcher.load(true);
  const listed = watcher.snapshot().ingresses[0]!;
  assert.equal(listed.metadata.managedFields, undefined);
  assert.deepEqual(listed.metadata.annotations, { keep: 'me' });
  server.apply({ ...bulky, metadata: { ...bulky.metadata, name: 'b' } });
  await waitFor('watched object', () => watcher.snapshot().ingresses.length === 2);
  assert.deepEqual(watcher.snapshot().ingresses[1]!.metadata.annotations, { keep: 'me' });
});
