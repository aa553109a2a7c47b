/**
 * Property: after any sequence of object replacements, additions and removals, the incremental converter
 * gives exactly the routes and logs of a full conversion of the same state.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { diffLists } from '../../../../src/eskip/index.ts';
import { convertClusterState, createIncrementalConverter } from '../../../../src/dataclients/kubernetes/convert/index.ts';
import type { ClusterState, KubeLogEntry, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

const svcNames = ['a', 'b', 'c'];
const hosts = ['x.example.org', 'y.example.org', 'x.ingress.cluster.local'];
const annotationPool: Record<string, string>[] = [
  {},
  { 'zalando.org/backend-weights': '{"a": 30, "b": 70}' },
  { 'zalando.org/skipper-filter': 'setPath("/p")', 'zalando.org/skipper-predicate': 'Method("GET")' },
  { 'zalando.org/skipper-routes': 'Method("OPTIONS") -> <shunt>' },
  { 'zalando.org/skipper-ingress-redirect': 'true', 'zalando.org/skipper-ingress-redirect-code': '301' },
  { 'zalando.org/traffic-zone-aware': 'false', 'zalando.org/skipper-backend-protocol': 'https' },
  { 'zalando.org/skipper-routes': 'r1: Header("x") -> <shunt>' },
];

const ingressArb = (name: string) =>
  fc.record({
    host: fc.constantFrom(...hosts),
    paths: fc.array(fc.record({ path: fc.constantFrom('', '/', '/api'), pathType: fc.constantFrom('ImplementationSpecific', 'Prefix', 'Exact'), svc: fc.constantFrom(...svcNames) }), {
      minLength: 1,
      maxLength: 3,
    }),
    annotations: fc.constantFrom(...annotationPool),
    defaultSvc: fc.option(fc.constantFrom(...svcNames), { nil: undefined }),
  }).map(
    (r): KubeObject => ({
      kind: 'Ingress',
      metadata: { namespace: 'ns', name, annotations: r.annotations },
      spec: {
        ...(r.defaultSvc !== undefined ? { defaultBackend: { service: { name: r.defaultSvc, port: { number: 80 } } } } : {}),
        rules: [{ host: r.host, http: { paths: r.paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: { service: { name: p.svc, port: { number: 80 } } } })) } }],
      },
    }),
  );

const serviceArb = (name: string) =>
  fc.constantFrom<KubeObject>(
    { kind: 'Service', metadata: { namespace: 'ns', name }, spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    { kind: 'Service', metadata: { namespace: 'ns', name }, spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
  );

const endpointsArb = (name: string) =>
  fc.array(fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'), { maxLength: 3 }).map(
    (ips): KubeObject => ({ kind: 'Endpoints', metadata: { namespace: 'ns', name }, subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'http', port: 8080 }] }] }),
  );

const routeGroupArb = (name: string) =>
  fc.record({ host: fc.constantFrom(...hosts), svc: fc.constantFrom(...svcNames), withRoute: fc.boolean() }).map(
    (r): KubeObject => ({
      kind: 'RouteGroup',
      metadata: { namespace: 'ns', name },
      spec: {
        hosts: [r.host],
        backends: [{ name: 'b', type: 'service', serviceName: r.svc, servicePort: 80 }],
        defaultBackends: [{ backendName: 'b' }],
        ...(r.withRoute ? { routes: [{ pathSubtree: '/x', methods: ['GET'] }] } : {}),
      },
    }),
  );

type Op = { kind: 'ingress' | 'routegroup' | 'service' | 'endpoints'; i: number; obj: KubeObject | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).chain((i) => fc.option(ingressArb(`ing${i}`), { nil: null }).map((obj) => ({ kind: 'ingress' as const, i, obj }))),
  fc.integer({ min: 0, max: 1 }).chain((i) => fc.option(routeGroupArb(`rg${i}`), { nil: null }).map((obj) => ({ kind: 'routegroup' as const, i, obj }))),
  fc.integer({ min: 0, max: 2 }).chain((i) => fc.option(serviceArb(svcNames[i]!), { nil: null }).map((obj) => ({ kind: 'service' as const, i, obj }))),
  fc.integer({ min: 0, max: 2 }).chain((i) => fc.option(endpointsArb(svcNames[i]!), { nil: null }).map((obj) => ({ kind: 'endpoints' as const, i, obj }))),
);

test('incremental conversion equals full conversion after any changes', () => {
  const opts = { ...defaultKubeOptions(), provideHTTPSRedirect: true, eastWestRangeDomains: ['ingress.cluster.local'], topologyZone: 'z' };
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (ops) => {
      const slots: Record<string, (KubeObject | null)[]> = { ingress: [null, null, null, null], routegroup: [null, null], service: [null, null, null], endpoints: [null, null, null] };
      const convert = createIncrementalConverter();
      for (const op of ops) {
        slots[op.kind]![op.i] = op.obj;
        const present = (k: string) => slots[k]!.filter((o): o is KubeObject => o !== null);
        const state: ClusterState = { ingresses: present('ingress'), routeGroups: present('routegroup'), services: present('service'), endpoints: present('endpoints'), endpointSlices: [], secrets: [] };
        const incLogs: KubeLogEntry[] = [];
        const fullLogs: KubeLogEntry[] = [];
        const inc = convert(state, opts, (e) => incLogs.push(e)).routes;
        const full = convertClusterState(state, opts, (e) => fullLogs.push(e)).routes;
        assert.deepEqual(diffLists(inc, full), []);
        assert.deepEqual(incLogs, fullLogs);
      }
    }),
    { numRuns: 60, seed: 42 },
  );
});
