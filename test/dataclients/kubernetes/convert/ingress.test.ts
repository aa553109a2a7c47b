/**
 * Ingress conversion rules, each checked against routes taken from Skipper's fixtures
 * (dataclients/kubernetes/testdata/ingressV1) or its docs, not from this implementation's output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { diffLists, parse } from '../../../../src/eskip/index.ts';
import { convertClusterState } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { loadManifests } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

function state(yaml: string): ClusterState {
  const objs = loadManifests(yaml);
  const of = (k: string) => objs.filter((o) => o.kind === k);
  return { ingresses: of('Ingress'), routeGroups: of('RouteGroup'), services: of('Service'), endpoints: of('Endpoints'), endpointSlices: of('EndpointSlice'), secrets: of('Secret') };
}

function convert(yaml: string, opts: Partial<KubeOptions> = {}): { routes: RouteDef[]; logs: KubeLogEntry[] } {
  const logs: KubeLogEntry[] = [];
  const { routes } = convertClusterState(state(yaml), { ...defaultKubeOptions(), ...opts }, (e) => logs.push(e));
  for (const r of routes) for (const ep of r.lbEndpoints ?? []) delete ep.zone;
  return { routes, logs };
}

function assertRoutes(actual: RouteDef[], expectedEskip: string): void {
  assert.deepEqual(diffLists(actual, parse(expectedEskip)), []);
}

const service = `
apiVersion: v1
kind: Service
metadata: {namespace: foo, name: bar}
spec:
  clusterIP: 10.3.190.97
  ports: [{name: baz, port: 8181, protocol: TCP, targetPort: 8080}]
  type: ClusterIP
---
apiVersion: v1
kind: Endpoints
metadata: {namespace: foo, name: bar}
subsets:
- addresses: [{ip: 10.2.9.103}, {ip: 10.2.9.104}]
  ports: [{name: baz, port: 8080, protocol: TCP}]
`;

function ingress(paths: string, annotations = '{}'): string {
  return `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: foo, name: qux, annotations: ${annotations}}
spec:
  rules:
  - host: www.example.org
    http:
      paths:
${paths}
---
${service}`;
}

const backend = 'backend: {service: {name: bar, port: {name: baz}}}';

// Routes without PathRegexp count as catch-alls (Skipper's TODO), so Exact/Prefix rules add no catch-all route.
test('path types: ImplementationSpecific regexp, Exact and Prefix (fixtures ing-with-prule-v1-*)', () => {
  const { routes } = convert(
    ingress(`      - {path: /foo, pathType: ImplementationSpecific, ${backend}}
      - {path: /exact, pathType: Exact, ${backend}}
      - {path: /prefix, pathType: Prefix, ${backend}}`),
  );
  const lb = '<roundRobin, "http://10.2.9.103:8080", "http://10.2.9.104:8080">';
  const host = 'Host("^(www[.]example[.]org[.]?(:[0-9]+)?)$")';
  assertRoutes(
    routes,
    `kube_foo__qux__www_example_org___foo__bar: ${host} && PathRegexp("^(/foo)") -> ${lb};
     kube_foo__qux__www_example_org___exact__bar: ${host} && Path("/exact") -> ${lb};
     kube_foo__qux__www_example_org___prefix__bar: ${host} && PathSubtree("/prefix") -> ${lb};`,
  );
});

test('path-prefix mode by annotation turns ImplementationSpecific into PathSubtree; "/" is a catch-all regexp otherwise', () => {
  const prefix = convert(ingress(`      - {path: /foo, pathType: ImplementationSpecific, ${backend}}`, '{zalando.org/skipper-ingress-path-mode: path-prefix}'));
  assert.deepEqual(prefix.routes.find((r) => r.id === 'kube_foo__qux__www_example_org___foo__bar')?.predicates.find((p) => p.name.startsWith('Path')), {
    name: 'PathSubtree',
    args: ['/foo'],
  });
  const root = convert(ingress(`      - {path: /, pathType: ImplementationSpecific, ${backend}}`));
  // "^/" matches every path, so no catch-all route is added (fixture endpointslice-conditions-overlapping-endpoints).
  assert.deepEqual(
    root.routes.map((r) => r.id),
    ['kube_foo__qux__www_example_org_____bar'],
  );
  assert.deepEqual(root.routes[0]!.predicates.find((p) => p.name === 'PathRegexp')?.args, ['^/']);
});

test('backend weights 30/70 give Traffic(0.3) to the first backend only (fixture traffic/with-path-30-70)', () => {
  const yaml = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  namespace: foo
  name: qux
  annotations: {zalando.org/backend-weights: '{"v1": 30, "v2": 70}'}
spec:
  rules:
  - host: www.example.org
    http:
      paths:
      - {path: /, backend: {service: {name: v1, port: {number: 80}}}}
      - {path: /, backend: {service: {name: v2, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {namespace: foo, name: v1}
spec: {ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {namespace: foo, name: v2}
spec: {ports: [{port: 80, targetPort: 8080}]}
`;
  const { routes } = convert(yaml);
  const host = 'Host("^(www[.]example[.]org[.]?(:[0-9]+)?)$")';
  assertRoutes(
    routes,
    `kube_foo__qux__www_example_org_____v1: ${host} && PathRegexp("^/") && Traffic(0.3) -> status(502) -> inlineContent("no endpoints") -> <shunt>;
     kube_foo__qux__www_example_org_____v2: ${host} && PathRegexp("^/") -> status(502) -> inlineContent("no endpoints") -> <shunt>;`,
  );
});

test('HTTPS redirect: global route, per-ingress code annotation overrides (fixture redirect-ing-change-global-code-overwrite-annotation)', () => {
  const { routes } = convert(ingress(`      - {pathType: ImplementationSpecific, ${backend}}`, '{zalando.org/skipper-ingress-redirect-code: "301"}'), {
    provideHTTPSRedirect: true,
    httpsRedirectCode: 302,
  });
  assertRoutes(
    routes,
    `kube__redirect: Header("X-Forwarded-Proto", "http") && Weight(1000) -> redirectTo(302, "https:") -> <shunt>;
     kube_foo__qux__www_example_org____bar: Host("^(www[.]example[.]org[.]?(:[0-9]+)?)$")
       -> <roundRobin, "http://10.2.9.103:8080", "http://10.2.9.104:8080">;
     kube_foo__qux__www_example_org____bar_https_redirect: Header("X-Forwarded-Proto", "http") && Weight(1000)
       && Host("^(www[.]example[.]org[.]?(:[0-9]+)?)$") -> redirectTo(301, "https:") -> <shunt>;`,
  );
});

test('east-west copies use <name>.<namespace>.skipper.cluster.local and kubeew ids (fixtures eastwest/ewing-with-*)', () => {
  const { routes } = convert(ingress(`      - {path: /a-path, pathType: ImplementationSpecific, ${backend}}`), { enableEastWest: true });
  const ew = routes.find((r) => r.id === 'kubeew_foo__qux__www_example_org___a_path__bar');
  assert.ok(ew);
  assert.deepEqual(
    ew.predicates.filter((p) => p.name === 'Host'),
    [{ name: 'Host', args: ['^(qux[.]foo[.]skipper[.]cluster[.]local[.]?(:[0-9]+)?)$'] }],
  );
  // The east-west host gets its own catch-all (fixture: kube___catchall__qux_foo_skipper_cluster_local____).
  assert.ok(routes.some((r) => r.id === 'kube___catchall__qux_foo_skipper_cluster_local____'));
});

test('EndpointSlices: terminating copies win, a missing ready condition is ready (fixture endpointslice-conditions-overlapping-endpoints)', () => {
  const yaml = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {namespace: namespace1, name: ingress1}
spec:
  defaultBackend: {service: {name: service1, port: {name: port1}}}
---
apiVersion: v1
kind: Service
metadata: {namespace: namespace1, name: service1}
spec: {ports: [{name: port1, port: 8080, targetPort: 8080}]}
---
kind: EndpointSlice
metadata: {namespace: namespace1, name: a, labels: {kubernetes.io/service-name: service1}}
endpoints:
- {addresses: [42.0.1.1], conditions: {ready: true, serving: true, terminating: false}}
- {addresses: [42.0.1.2], conditions: {ready: false, serving: true}}
- {addresses: [42.0.1.4]}
- {addresses: [42.0.1.5], conditions: {serving: false, terminating: false}}
ports: [{name: port1, port: 8080, protocol: TCP}]
---
kind: EndpointSlice
metadata: {namespace: namespace1, name: b, labels: {kubernetes.io/service-name: service1}}
endpoints:
- {addresses: [42.0.1.1], conditions: {ready: true, serving: true, terminating: true}}
ports: [{name: port1, port: 8080, protocol: TCP}]
`;
  const { routes } = convert(yaml, { enableEndpointSlices: true });
  assertRoutes(routes, `kube_namespace1__ingress1______: * -> <roundRobin, "http://42.0.1.4:8080", "http://42.0.1.5:8080">;`);
});

test('an invalid annotation drops only its Ingress, with one log line naming it (fixture ing-with-invalid-routes-annotation-missing-header-argument)', () => {
  const bad = ingress(`      - {path: /, pathType: Prefix, ${backend}}`, `{zalando.org/skipper-routes: 'r1: Header("test") -> status(200) -> "http://foo.test"'}`).replace('name: qux', 'name: bad');
  const good = ingress(`      - {path: /, pathType: Prefix, ${backend}}`);
  const { routes, logs } = convert(`${bad}\n---\n${good}`);
  assert.ok(routes.some((r) => r.id === 'kube_foo__qux__www_example_org_____bar'));
  assert.ok(!routes.some((r) => r.id.includes('__bad__')));
  const errs = logs.filter((l) => l.level === 'error');
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.msg, /^\[ingress\] invalid "zalando\.org\/skipper-routes" annotation: invalid route "r1": Header predicate expects 2 string arguments$/);
  assert.deepEqual([errs[0]!.kind, errs[0]!.ns, errs[0]!.name], ['Ingress', 'foo', 'bad']);
});

test('ingress class: annotation or spec.ingressClassName must match the class regexp (unanchored)', () => {
  const mk = (name: string, extra: string) =>
    ingress(`      - {path: /, pathType: Prefix, ${backend}}`, extra).replace('name: qux', `name: ${name}`).replace('spec:\n  rules', 'spec:\n  rules');
  const yaml = [
    mk('plain', '{}'),
    mk('other', '{kubernetes.io/ingress.class: nginx}'),
    mk('mine', '{kubernetes.io/ingress.class: skipper-internal}'),
    ingress(`      - {path: /, pathType: Prefix, ${backend}}`).replace('name: qux', 'name: spec').replace('spec:\n  rules', 'spec:\n  ingressClassName: alb\n  rules'),
  ].join('\n---\n');
  const ids = convert(yaml).routes.map((r) => r.id).filter((id) => !id.includes('catchall')).sort();
  assert.deepEqual(ids, ['kube_foo__mine__www_example_org_____bar', 'kube_foo__plain__www_example_org_____bar']);
});

test('malformed Ingress objects never throw and never hurt the others', () => {
  const good = ingress(`      - {path: /, pathType: Prefix, ${backend}}`);
  const malformed = [
    `kind: Ingress\nmetadata: {namespace: foo, name: m1}\nspec: {rules: nope}`,
    `kind: Ingress\nmetadata: {namespace: foo, name: m2}\nspec: {rules: [{host: h.org, http: {paths: [{path: /x, backend: null}]}}]}`,
    `kind: Ingress\nmetadata: {namespace: foo, name: m3, annotations: {zalando.org/skipper-ingress-redirect-code: 301, zalando.org/backend-weights: "[1]"}}\nspec: {defaultBackend: {service: {name: missing, port: {number: 1}}}}`,
    `kind: Ingress\nmetadata: {namespace: foo, name: m4}`,
  ];
  const { routes, logs } = convert([...malformed, good].join('\n---\n'));
  assert.deepEqual(
    routes.map((r) => r.id),
    ['kube_foo__qux__www_example_org_____bar'],
  );
  const named = (n: string) => logs.some((l) => l.level === 'error' && l.kind === 'Ingress' && l.ns === 'foo' && l.name === n);
  assert.ok(named('m2'), 'missing backend is reported');
  assert.ok(named('m3'), 'bad weights annotation is reported');
  assert.ok(named('m4'), 'missing spec is reported');
});
