/**
 * The incremental converter's dependency index: a changed Service, Endpoints, EndpointSlice or Secret converts
 * exactly the Ingresses and RouteGroups that read it (counted), a changed Ingress converts only itself, and
 * every result equals a full conversion (routes, certificates, log lines).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffLists, type RouteDef } from '../../../../src/eskip/index.ts';
import { convertClusterState, createIncrementalConverter } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';
import { endpoints, ingress, routeGroup, service } from '../../../support/kube-objects.ts';

// A throw-away self-signed P-256 pair, and a key that does not belong to it (as in tls.test.ts).
const CERT = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIULnrFwDGbBvWXByQerOKm+GmaUIswCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZXhhbXBsZS5vcmcwIBcNMjYxMTI2MDk0NzU0WhgPMjEyNjEx
MDIwOTQ3NTRaMBYxFDASBgNVBAMMC2V4YW1wbGUub3JnMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE6Q7af7IM4KeyhYJWYOPdjB8H5Z1447+Dj+hEzUeTohViUlam
PdGPrNVzLGiwm50UjAvMmFsknkG4EIt994FNDKNTMFEwHQYDVR0OBBYEFNrIrosk
fEj0VCQ5AdMbMKbEupXoMB8GA1UdIwQYMBaAFNrIroskfEj0VCQ5AdMbMKbEupXo
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgfe7HJWtabrOF4jmK
7GQDO/EJkiHkMs1FIRHp9/Z1ZuYCIQCmJIBFJPZpPaRJXJQQuTol0ApMRImxYSBX
Bt6kyi+a4g==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHNEsamMdszz7ZsPH
aYa7Km1G0j2GlK1LzWb5qGqt6AehRANCAATpDtp/sgzgp7KFglZg492MHwflnXjj
v4OP6ETNR5OiFWJSVqY90Y+s1XMsaLCbnRSMC8yYWySeQbgQi333gU0M
-----END PRIVATE KEY-----
`;
const OTHER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwazazINbYxDDPi/T
u0ZOt/cFgurG5jSeX8PkqAACuj6hRANCAAS7Oktels2jUcGN2E1sxpWnsV3VkRBq
cDdO3o5m1kQ6JLgPOjxPr/mbz9XPUw6xprI15c5NMshBCjMdbk1Lyqpa
-----END PRIVATE KEY-----
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

function tlsSecret(name: string, key = KEY): KubeObject {
  return { kind: 'Secret', metadata: { namespace: 'ns', name }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(CERT), 'tls.key': b64(key) } };
}

/** ing0…ing11 on svc(i % 4), rg0…rg3 on svc(i); ing0, ing4 and ing8 serve TLS from secret tls0. */
function cluster(): KubeObject[] {
  const objs: KubeObject[] = [];
  for (let s = 0; s < 4; s++) objs.push(service(`svc${s}`, 'ns'), endpoints(`svc${s}`, [`10.0.0.${s + 1}`], 'ns'));
  for (let i = 0; i < 12; i++) {
    const ing = ingress(`ing${i}`, { ns: 'ns', host: `h${i}.example.org`, service: `svc${i % 4}` });
    if (i % 4 === 0) ing.spec.tls = [{ hosts: [`h${i}.example.org`], secretName: 'tls0' }];
    objs.push(ing);
  }
  for (let r = 0; r < 4; r++) objs.push(routeGroup(`rg${r}`, `rg${r}.example.org`, `svc${r}`, 'ns'));
  objs.push(tlsSecret('tls0'));
  return objs;
}

function stateOf(objs: KubeObject[]): ClusterState {
  const of = (k: string) => objs.filter((o) => o.kind === k);
  return {
    ingresses: of('Ingress'),
    routeGroups: of('RouteGroup'),
    services: of('Service'),
    endpoints: of('Endpoints'),
    endpointSlices: of('EndpointSlice'),
    secrets: of('Secret'),
  };
}

const uses = (r: RouteDef, ep: string) => r.backend === ep || r.lbEndpoints?.some((e) => e.address === ep) === true;

const replace = (objs: KubeObject[], kind: string, name: string, change: (o: KubeObject) => KubeObject) =>
  objs.map((o) => (o.kind === kind && o.metadata.name === name ? change(o) : o));

/** Converts incrementally and fully; asserts equal output; returns how many objects were converted. */
function step(convert: ReturnType<typeof createIncrementalConverter>, objs: KubeObject[], opts: KubeOptions) {
  const stats = convert.stats!;
  const before = { ing: stats.ingressConversions, rg: stats.routeGroupConversions };
  const logsA: KubeLogEntry[] = [];
  const logsB: KubeLogEntry[] = [];
  const inc = convert(stateOf(objs), opts, (e) => logsA.push(e));
  const full = convertClusterState(stateOf(objs), opts, (e) => logsB.push(e));
  assert.deepEqual(diffLists(inc.routes, full.routes), []);
  assert.deepEqual(inc.routes.map((r) => r.id), full.routes.map((r) => r.id), 'same order');
  assert.deepEqual(inc.certificates, full.certificates);
  assert.deepEqual(logsA, logsB);
  return { ing: stats.ingressConversions - before.ing, rg: stats.routeGroupConversions - before.rg, routes: inc.routes, logs: logsA };
}

test('a Service, Endpoints or Secret change converts exactly its dependents, and equals a full conversion', () => {
  const opts = { ...defaultKubeOptions(), enableTLS: true, provideHTTPSRedirect: true };
  const convert = createIncrementalConverter();
  let objs = cluster();
  assert.deepEqual({ ...step(convert, objs, opts), routes: 0, logs: 0 }, { ing: 12, rg: 4, routes: 0, logs: 0 });

  // Nothing changed: nothing converted.
  assert.equal(step(convert, objs, opts).ing + step(convert, objs, opts).rg, 0);

  // Endpoints of svc1: ing1, ing5, ing9 and rg1.
  objs = replace(objs, 'Endpoints', 'svc1', () => endpoints('svc1', ['10.9.9.9'], 'ns'));
  let r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 1]);
  assert.ok(r.routes.some((x) => uses(x, 'http://10.9.9.9:8080')));

  // Service svc2 (new target port): ing2, ing6, ing10 and rg2.
  objs = replace(objs, 'Service', 'svc2', () => service('svc2', 'ns', 80, 9090));
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 1]);

  // Secret tls0 now holds a key that does not match: ing0, ing4 and ing8 only; their certificates go, with a log line each.
  objs = replace(objs, 'Secret', 'tls0', () => tlsSecret('tls0', OTHER_KEY));
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 0]);
  assert.equal(r.logs.filter((l) => l.msg.startsWith('Failed to generate TLS certificate') && l.kind === 'Ingress').length, 3);

  // A Secret nobody references: nothing.
  objs = [...objs, tlsSecret('unused')];
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [0, 0]);

  // One Ingress changed: only itself.
  objs = replace(objs, 'Ingress', 'ing3', () => ingress('ing3', { ns: 'ns', host: 'moved.example.org', service: 'svc3' }));
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [1, 0]);

  // Service svc3 deleted: ing3, ing7, ing11 and rg3 lose their backends.
  objs = objs.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'svc3'));
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 1]);

  // Ingresses and a RouteGroup deleted: nothing converted, their routes gone.
  objs = objs.filter((o) => !(o.metadata.name === 'ing5' || o.metadata.name === 'ing9' || o.metadata.name === 'rg1'));
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [0, 0]);
  assert.ok(!r.routes.some((x) => x.name === 'ing5' || x.name === 'rg1'));
});

test('an EndpointSlice change converts the dependents of its service', () => {
  const opts = { ...defaultKubeOptions(), enableEndpointSlices: true };
  const slice = (svc: string, ip: string, name = `${svc}-x`): KubeObject => ({
    kind: 'EndpointSlice',
    metadata: { namespace: 'ns', name, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'main', port: 8080, protocol: 'TCP' }],
  });
  const convert = createIncrementalConverter();
  let objs = [...cluster().filter((o) => o.kind !== 'Endpoints'), ...[0, 1, 2, 3].map((s) => slice(`svc${s}`, `10.1.0.${s}`))];
  assert.equal(step(convert, objs, opts).ing, 12);
  objs = replace(objs, 'EndpointSlice', 'svc0-x', () => slice('svc0', '10.7.7.7'));
  let r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 1]);
  // A second slice of svc2 joins the first.
  objs = [...objs, slice('svc2', '10.8.8.8', 'svc2-y')];
  r = step(convert, objs, opts);
  assert.deepEqual([r.ing, r.rg], [3, 1]);
  assert.ok(r.routes.some((x) => uses(x, 'http://10.8.8.8:8080')));
});

test('routes name the object they came from', () => {
  const convert = createIncrementalConverter();
  const { routes } = step(convert, cluster(), defaultKubeOptions());
  const ing = routes.find((r) => r.id.includes('ing7'))!;
  assert.deepEqual([ing.kind, ing.namespace, ing.name], ['Ingress', 'ns', 'ing7']);
  const rg = routes.find((r) => r.id.includes('rg2'))!;
  assert.deepEqual([rg.kind, rg.namespace, rg.name], ['RouteGroup', 'ns', 'rg2']);
});
