/**
 * RouteGroup conversion rules. Expected routes are taken from Skipper's fixtures (routegroups/…/*.eskip)
 * and docs/kubernetes/routegroups.md, never from this implementation's output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSharedContext } from '../../../../src/dataclients/kubernetes/convert/context.ts';
import { convertRouteGroups } from '../../../../src/dataclients/kubernetes/convert/routegroup.ts';
import { toSymbol } from '../../../../src/dataclients/kubernetes/convert/routegroup-hosts.ts';
import type { ClusterState, KubeLogEntry } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { loadManifests } from '../../../../src/dataclients/kubernetes/manifests.ts';
import { defaultKubeOptions, type KubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';
import { diffLists, parse } from '../../../../src/eskip/index.ts';

const service = `
apiVersion: v1
kind: Service
metadata: {name: myapp}
spec:
  type: ClusterIP
  ports: [{port: 80, protocol: TCP, targetPort: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: myapp}
subsets:
- addresses: [{ip: 10.2.4.8}, {ip: 10.2.4.16}]
  ports: [{port: 80}]
`;

function run(yaml: string, opts: Partial<KubeOptions> = {}): { routes: ReturnType<typeof convertRouteGroups>; logs: KubeLogEntry[] } {
  const objects = loadManifests(yaml);
  const of = (k: string) => objects.filter((o) => o.kind === k);
  const state: ClusterState = {
    ingresses: [],
    routeGroups: of('RouteGroup'),
    services: of('Service'),
    endpoints: of('Endpoints'),
    endpointSlices: of('EndpointSlice'),
    secrets: of('Secret'),
  };
  const o = { ...defaultKubeOptions(), allowedExternalNames: ['.*'], ...opts };
  const logs: KubeLogEntry[] = [];
  const log = (e: KubeLogEntry) => logs.push(e);
  return { routes: convertRouteGroups(state, o, log, createSharedContext(state, o, log)), logs };
}

function assertRoutes(actual: ReturnType<typeof convertRouteGroups>, expectedEskip: string): void {
  assert.deepEqual(diffLists(actual, parse(expectedEskip)), []);
}

test('one route per method, ids with the lower-case method, a host catch-all (fixture convert/use-method-in-id)', () => {
  const { routes } = run(`
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
  routes:
  - {path: /resources, methods: [GET, POST]}
  - {path: "/resources/:id", methods: [GET, PUT]}
---
${service}`);
  const lb = '<roundRobin, "http://10.2.4.8:80", "http://10.2.4.16:80">';
  const host = 'Host("^(example[.]org[.]?(:[0-9]+)?)$")';
  assertRoutes(
    routes,
    `kube_rg__default__myapp__get__0_0: ${host} && Method("GET") && Path("/resources") -> ${lb};
     kube_rg__default__myapp__post__0_0: ${host} && Method("POST") && Path("/resources") -> ${lb};
     kube_rg__default__myapp__get__1_0: ${host} && Method("GET") && Path("/resources/:id") -> ${lb};
     kube_rg__default__myapp__put__1_0: ${host} && Method("PUT") && Path("/resources/:id") -> ${lb};
     kube_rg____example_org__catchall__0_0: ${host} -> <shunt>;`,
  );
});

test('route ids replace every non-symbol byte (multi-byte UTF-8 gives several underscores)', () => {
  assert.equal(toSymbol('api.example-1.org'), 'api_example_1_org');
  assert.equal(toSymbol('ä'), '__');
});

test('east-west range hosts: internal ids, range predicates, weights split evenly (fixture east-west-range/default-backends-implicit-route-no-weights)', () => {
  const { routes } = run(
    `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.ingress.cluster.local]
  backends:
  - {name: myapp, type: service, serviceName: myapp, servicePort: 80}
  - {name: www, type: network, address: "https://www.example.org"}
  - {name: test, type: network, address: "https://test.example.org"}
  defaultBackends: [{backendName: myapp}, {backendName: www}, {backendName: test}]
---
${service}`,
    { eastWestRangeDomains: ['ingress.cluster.local'], eastWestRangePredicates: [{ name: 'ClientIP', args: ['10.2.0.0/16'] }] },
  );
  const host = 'Host("^(example[.]ingress[.]cluster[.]local[.]?(:[0-9]+)?)$") && ClientIP("10.2.0.0/16")';
  assertRoutes(
    routes,
    `kube_rg__internal_default__myapp__all__0_0: ${host} && Traffic(0.3333333333333333) && True() -> <roundRobin, "http://10.2.4.16:80", "http://10.2.4.8:80">;
     kube_rg__internal_default__myapp__all__0_1: ${host} && Traffic(0.5) -> "https://www.example.org";
     kube_rg__internal_default__myapp__all__0_2: ${host} -> "https://test.example.org";`,
  );
});

test('internal hosts get an internal catch-all id', () => {
  const { routes } = run(
    `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.ingress.cluster.local]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
  routes: [{predicates: ['Header("X-Foo", "bar")']}]
---
${service}`,
    { eastWestRangeDomains: ['ingress.cluster.local'], eastWestRangePredicates: [{ name: 'ClientIP', args: ['10.2.0.0/16'] }] },
  );
  const host = 'Host("^(example[.]ingress[.]cluster[.]local[.]?(:[0-9]+)?)$") && ClientIP("10.2.0.0/16")';
  assertRoutes(
    routes,
    `kube_rg__internal_default__myapp__all__0_0: ${host} && Header("X-Foo", "bar") -> <roundRobin, "http://10.2.4.16:80", "http://10.2.4.8:80">;
     kube_rg__internal___example_ingress_cluster_local__catchall__0_0: ${host} -> <shunt>;`,
  );
});

test('HTTPS redirect twin per route, east-west copy, and no catch-all when a host-only route exists (fixture https-redirect/no-redirect-for-implicit-east-west)', () => {
  const { routes } = run(
    `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
  routes: [{path: /app}]
---
${service}`,
    { enableEastWest: true, provideHTTPSRedirect: true },
  );
  const lb = '<roundRobin, "http://10.2.4.16:80", "http://10.2.4.8:80">';
  assertRoutes(
    routes,
    `kube_rg__default__myapp__all__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") && Path("/app") -> ${lb};
     kubeew_rg__default__myapp__all__0_0: Host("^(myapp[.]default[.]skipper[.]cluster[.]local[.]?(:[0-9]+)?)$") && Path("/app") -> ${lb};
     kube_rg__default__myapp__all__0_0_https_redirect: Header("X-Forwarded-Proto", "http") && Host("^(example[.]org[.]?(:[0-9]+)?)$") && Path("/app")
       -> redirectTo(308, "https:") -> <shunt>;
     kube_rg____example_org__catchall__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") -> <shunt>;`,
  );
});

test('a failing route drops only its own routes; a failing default backend drops the group (fixtures convert/missing-service, invalid-backend-implicit-route)', () => {
  const explicit = run(`
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends:
  - {name: missing, type: service, serviceName: nosuch, servicePort: 80}
  - {name: net, type: network, address: "http://net.example"}
  routes:
  - {path: /a, backends: [{backendName: missing}]}
  - {path: /b, backends: [{backendName: net}]}
`);
  assertRoutes(explicit.routes, `kube_rg__default__myapp__all__1_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") && Path("/b") -> "http://net.example";
    kube_rg____example_org__catchall__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") -> <shunt>;`);
  assert.deepEqual(
    explicit.logs.map((l) => [l.kind, l.ns, l.name, l.msg]),
    [['RouteGroup', 'default', 'myapp', 'Ignoring route: default/nosuch: service not found']],
  );

  const implicit = run(`
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
---
apiVersion: v1
kind: Service
metadata: {name: myapp}
spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 80}]}
`);
  assert.deepEqual(implicit.routes, []);
  assert.match(implicit.logs[0]!.msg, /^Error transforming external hosts: not supported service type in service\/default\/myapp: LoadBalancer$/);
});

test('invalid groups are logged once with kind, namespace and name; other groups still convert', () => {
  const { routes, logs } = run(`
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: bad, namespace: team}
spec:
  backends: [{name: app, type: shunt}]
  defaultBackends: [{backendName: nope}]
---
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: good}
spec:
  backends: [{name: app, type: shunt}]
  defaultBackends: [{backendName: app}]
`);
  assertRoutes(routes, 'kube_rg__default__good__all__0_0: * -> <shunt>;');
  assert.deepEqual(logs, [{ level: 'error', msg: '[routegroup] error in route group team/bad: invalid backend reference: nope', kind: 'RouteGroup', ns: 'team', name: 'bad' }]);
});

test('forward backends use the forward URL and drop the route filters (fixture backends/forward-with-filters)', () => {
  const { routes } = run(
    `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends: [{name: fwd, type: forward}]
  routes: [{pathSubtree: /, filters: [status(200)], backends: [{backendName: fwd}]}]
`,
    { forwardBackendURL: 'http://forward.example' },
  );
  assertRoutes(
    routes,
    `kube_rg__default__myapp__all__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") && PathSubtree("/") -> "http://forward.example";
     kube_rg____example_org__catchall__0_0: Host("^(example[.]org[.]?(:[0-9]+)?)$") -> <shunt>;`,
  );
});

test('groups of another class are ignored', () => {
  const { routes } = run(`
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: other, annotations: {zalando.org/routegroup.class: internal}}
spec:
  backends: [{name: app, type: shunt}]
  defaultBackends: [{backendName: app}]
`);
  assert.deepEqual(routes, []);
});

test('explicit LB endpoints outside the allowed external names fail the route (fixture external-name/lb-endpoint-some-allowed)', () => {
  const { routes, logs } = run(
    `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp}
spec:
  hosts: [example.org]
  backends: [{name: external, type: lb, endpoints: ["https://external1.example.org", "https://external2.example.org"]}]
  routes: [{pathSubtree: /, backends: [{backendName: external}]}]
`,
    { onlyAllowedExternalNames: true, allowedExternalNames: ['^external1[.]example[.]org$'] },
  );
  assert.deepEqual(routes, []);
  assert.match(logs[0]!.msg, /routegroup with not allowed explicit LB endpoint: https:\/\/external2\.example\.org/);
});

/** Skipper's fixture runner ignores endpoint zones (none of its expected files has one). */
const strip = (rs: ReturnType<typeof convertRouteGroups>) => rs.map((r) => ({ ...r, lbEndpoints: r.lbEndpoints?.map((e) => ({ address: e.address })) }));

const slice = (zones: string[]) => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: myapp-a, labels: {kubernetes.io/service-name: myapp}}
endpoints:
${zones.map((z, i) => `- {addresses: [10.3.0.${i + 3}], zone: ${z}}`).join('\n')}
ports: [{port: 80, protocol: TCP, appProtocol: kubernetes.io/h2c}]
`;

test('endpoint scheme: h2c from the slice appProtocol unless the backend-protocol annotation says otherwise (fixtures convert/routegroup-h2c-*)', () => {
  const rg = (annotations: string) => `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp${annotations}}
spec:
  hosts: [example.org]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
---
apiVersion: v1
kind: Service
metadata: {name: myapp}
spec: {type: ClusterIP, ports: [{port: 80, protocol: TCP, targetPort: 80}]}
---
${slice(['a', 'b'])}`;
  const host = 'Host("^(example[.]org[.]?(:[0-9]+)?)$")';
  assertRoutes(
    strip(run(rg(''), { enableEndpointSlices: true }).routes),
    `kube_rg__default__myapp__all__0_0: ${host} -> <roundRobin, "h2c://10.3.0.3:80", "h2c://10.3.0.4:80">;`,
  );
  assertRoutes(
    strip(run(rg(', annotations: {zalando.org/skipper-backend-protocol: http}'), { enableEndpointSlices: true }).routes),
    `kube_rg__default__myapp__all__0_0: ${host} -> <roundRobin, "http://10.3.0.3:80", "http://10.3.0.4:80">;`,
  );
});

test('zone-aware opt-out keeps every zone and marks the route for the route server (fixture zone-aware-traffic/mixed-zone-threshold-with-opt-out)', () => {
  const rg = (annotations: string) => `
apiVersion: zalando.org/v1
kind: RouteGroup
metadata: {name: myapp${annotations}}
spec:
  hosts: [example.org]
  backends: [{name: myapp, type: service, serviceName: myapp, servicePort: 80}]
  defaultBackends: [{backendName: myapp}]
---
apiVersion: v1
kind: Service
metadata: {name: myapp}
spec: {type: ClusterIP, ports: [{port: 80, protocol: TCP, targetPort: 80}]}
---
${slice(['z1', 'z1', 'z1', 'z2'])}`;
  const opts = { enableEndpointSlices: true, topologyZone: 'z1' };
  const host = 'Host("^(example[.]org[.]?(:[0-9]+)?)$")';
  assertRoutes(
    strip(run(rg(''), opts).routes),
    `kube_rg__default__myapp__all__0_0: ${host} -> <roundRobin, "h2c://10.3.0.3:80", "h2c://10.3.0.4:80", "h2c://10.3.0.5:80">;`,
  );
  assertRoutes(
    strip(run(rg(', annotations: {zalando.org/traffic-zone-aware: "false"}'), opts).routes),
    `kube_rg__default__myapp__all__0_0: ${host} -> annotate("zalando.org/traffic-zone-aware", "false")
       -> <roundRobin, "h2c://10.3.0.3:80", "h2c://10.3.0.4:80", "h2c://10.3.0.5:80", "h2c://10.3.0.6:80">;`,
  );
});
