/**
 * The incremental converter must give exactly what a full conversion gives, reusing only objects whose
 * inputs did not change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { diffLists } from '../../../../src/eskip/index.ts';
import { convertClusterState, createIncrementalConverter } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { loadManifests } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

const yaml = (svc: string, ip: string) => `
apiVersion: v1
kind: Service
metadata: {namespace: ns, name: ${svc}}
spec: {type: ClusterIP, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Endpoints
metadata: {namespace: ns, name: ${svc}}
subsets: [{addresses: [{ip: ${ip}}], ports: [{name: http, port: 8080}]}]
`;

const objects = loadManifests(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: ns, name: a}
spec: {rules: [{host: a.example.org, http: {paths: [{path: /a, pathType: ImplementationSpecific, backend: {service: {name: a, port: {number: 80}}}}]}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: ns, name: b}
spec: {rules: [{host: b.example.org, http: {paths: [{path: /b, pathType: ImplementationSpecific, backend: {service: {name: b, port: {number: 80}}}}]}}]}
---
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {namespace: ns, name: c}
spec:
  hosts: [c.example.org]
  backends: [{name: c, type: service, serviceName: c, servicePort: 80}]
  defaultBackends: [{backendName: c}]
---
${yaml('a', '10.0.0.1')}
---
${yaml('b', '10.0.0.2')}
---
${yaml('c', '10.0.0.3')}
`);

function stateOf(objs: KubeObject[]): ClusterState {
  const of = (k: string) => objs.filter((o) => o.kind === k);
  return { ingresses: of('Ingress'), routeGroups: of('RouteGroup'), services: of('Service'), endpoints: of('Endpoints'), endpointSlices: [], secrets: [] };
}

function replace(objs: KubeObject[], kind: string, name: string, change: (o: KubeObject) => KubeObject): KubeObject[] {
  return objs.map((o) => (o.kind === kind && o.metadata.name === name ? change(o) : o));
}

function check(convert: ReturnType<typeof createIncrementalConverter>, state: ClusterState, opts: KubeOptions): RouteDef[] {
  const logsA: KubeLogEntry[] = [];
  const logsB: KubeLogEntry[] = [];
  const inc = convert(state, opts, (e) => logsA.push(e)).routes;
  const full = convertClusterState(state, opts, (e) => logsB.push(e)).routes;
  assert.deepEqual(diffLists(inc, full), []);
  assert.deepEqual(logsA, logsB);
  return inc;
}

const byId = (rs: RouteDef[], id: string) => rs.find((r) => r.id === id)!;
const A = 'kube_ns__a__a_example_org___a__a';
const B = 'kube_ns__b__b_example_org___b__b';
const C = 'kube_rg__ns__c__all__0_0';

test('only objects whose inputs changed are converted again', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-inc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { ...defaultKubeOptions(), defaultFiltersDir: dir };
  const convert = createIncrementalConverter();
  let objs = objects;
  const first = check(convert, stateOf(objs), opts);
  assert.equal(byId(first, A).backend, 'http://10.0.0.1:8080');
  assert.ok(byId(first, C));

  // Same objects: everything reused.
  const same = check(convert, stateOf(objs), opts);
  assert.equal(byId(same, A), byId(first, A));
  assert.equal(byId(same, C), byId(first, C));

  // New endpoints for a: A converted again, B and C reused.
  objs = replace(objs, 'Endpoints', 'a', (o) => ({ ...o, subsets: [{ addresses: [{ ip: '10.9.9.9' }], ports: [{ name: 'http', port: 8080 }] }] }));
  const afterEp = check(convert, stateOf(objs), opts);
  assert.equal(byId(afterEp, A).backend, 'http://10.9.9.9:8080');
  assert.equal(byId(afterEp, B), byId(first, B));
  assert.equal(byId(afterEp, C), byId(first, C));

  // Service b gone: its route goes, A stays reused.
  objs = objs.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'b'));
  const afterSvc = check(convert, stateOf(objs), opts);
  assert.equal(afterSvc.find((r) => r.id === B), undefined);
  assert.equal(byId(afterSvc, A), byId(afterEp, A));

  // A default filter file for c changes the RouteGroup's routes.
  writeFileSync(join(dir, 'c.ns'), 'comment("default")');
  const afterDf = check(convert, stateOf(objs), opts);
  assert.deepEqual(byId(afterDf, C).filters, [{ name: 'comment', args: ['default'] }]);

  // Options changes reset the caches.
  const afterOpts = check(convert, stateOf(objs), { ...opts, provideHTTPSRedirect: true });
  assert.notEqual(byId(afterOpts, A), byId(afterSvc, A));
});

test('objects replaced by equal ones (status updates, same addresses) leave the route list the same array', () => {
  const opts = defaultKubeOptions();
  const convert = createIncrementalConverter();
  let objs = objects;
  const first = check(convert, stateOf(objs), opts);
  const status = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: '99' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } });
  const conversions = () => convert.stats!.ingressConversions + convert.stats!.routeGroupConversions;
  const c0 = conversions();
  objs = replace(objs, 'Ingress', 'a', status);
  objs = replace(objs, 'RouteGroup', 'c', status);
  objs = replace(objs, 'Endpoints', 'b', (o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '100' } }));
  const after = check(convert, stateOf(objs), opts);
  assert.equal(conversions() - c0, 3, 'a, c and (through its Endpoints) b were converted again');
  assert.equal(after, first, 'the same list: nothing to push');
  // A real change still makes a new list.
  objs = replace(objs, 'Endpoints', 'b', (o) => ({ ...o, subsets: [{ addresses: [{ ip: '10.7.7.7' }], ports: [{ name: 'http', port: 8080 }] }] }));
  const changed = check(convert, stateOf(objs), opts);
  assert.notEqual(changed, first);
  assert.equal(byId(changed, B).backend, 'http://10.7.7.7:8080');
  assert.equal(byId(changed, A), byId(first, A));
});
