/**
 * Endpoint lookup rules; expectations from Skipper's fixtures (ingressV1/service-ports*, named-ports,
 * zone-aware-traffic) and its endpoints.go semantics.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointIndex, formatEndpoint, minEndpointsByZone } from '../../../../src/dataclients/kubernetes/convert/endpoints.ts';
import type { ClusterState, KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';

function st(endpoints: KubeObject[], endpointSlices: KubeObject[] = []): ClusterState {
  return { ingresses: [], routeGroups: [], services: [], endpoints, endpointSlices, secrets: [] };
}

const twoPortEndpoints: KubeObject = {
  kind: 'Endpoints',
  metadata: { namespace: 'ns', name: 'svc' },
  subsets: [
    {
      addresses: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }],
      ports: [
        { name: 'main', port: 8080 },
        { name: 'admin', port: 9911 },
      ],
    },
  ],
};

test('Endpoints: the service port name picks the endpoint port; results are sorted', () => {
  const idx = new EndpointIndex(st([twoPortEndpoints]), false);
  const eps = idx.byServicePort('ns', 'svc', undefined, { name: 'admin', port: 80, targetPort: 'admin' });
  assert.deepEqual(eps.map((e) => e.address), ['http://10.0.0.1:9911', 'http://10.0.0.2:9911']);
  assert.deepEqual(idx.byServicePort('ns', 'svc', undefined, { name: 'nope', port: 81, targetPort: 1 }), []);
  assert.deepEqual(idx.byServicePort('ns', 'missing', undefined, { name: 'main', port: 80, targetPort: 8080 }), []);
});

test('Endpoints: a single endpoint port is used whatever its name; the scheme comes from the caller', () => {
  const one: KubeObject = { kind: 'Endpoints', metadata: { namespace: 'ns', name: 'svc' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 7272 }] }] };
  const idx = new EndpointIndex(st([one]), false);
  assert.deepEqual(idx.byServicePort('ns', 'svc', 'https', { name: 'other', port: 80, targetPort: 7272 }).map((e) => e.address), ['https://10.0.0.1:7272']);
});

test('Endpoints by target port (RouteGroups): by name or by number', () => {
  const idx = new EndpointIndex(st([twoPortEndpoints]), false);
  assert.deepEqual(idx.byTarget('ns', 'svc', 'TCP', undefined, 9911).map((e) => e.address), ['http://10.0.0.1:9911', 'http://10.0.0.2:9911']);
  const idx2 = new EndpointIndex(st([twoPortEndpoints]), false);
  assert.deepEqual(idx2.byTarget('ns', 'svc', 'TCP', undefined, 'main').map((e) => e.address), ['http://10.0.0.1:8080', 'http://10.0.0.2:8080']);
});

function slice(name: string, eps: { ip: string; zone?: string }[], ports: unknown = [{ name: 'web', port: 8080, protocol: 'TCP' }]): KubeObject {
  return {
    kind: 'EndpointSlice',
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': 'svc' } },
    endpoints: eps.map((e) => ({ addresses: [e.ip], zone: e.zone })),
    ports,
  };
}

test('EndpointSlices: numeric target port is used directly, a named service port is looked up', () => {
  const idx = new EndpointIndex(st([], [slice('a', [{ ip: '10.3.0.3' }])]), true);
  assert.deepEqual(idx.byServicePort('default', 'svc', undefined, { name: '', port: 80, targetPort: 8081 }).map((e) => e.address), ['http://10.3.0.3:8081']);
  const idx2 = new EndpointIndex(st([], [slice('a', [{ ip: '10.3.0.3' }])]), true);
  assert.deepEqual(idx2.byServicePort('default', 'svc', undefined, { name: 'web', port: 80, targetPort: 8081 }).map((e) => e.address), ['http://10.3.0.3:8080']);
});

test('EndpointSlices without a ports field are ignored (Skipper issue 3151)', () => {
  const idx = new EndpointIndex(st([], [slice('a', [{ ip: '10.3.0.3' }], null)]), true);
  assert.deepEqual(idx.byServicePort('default', 'svc', undefined, { name: 'web', port: 80, targetPort: 8080 }), []);
});

test(`topology zone filters only when at least ${minEndpointsByZone} endpoints are in the zone (fixtures zone-aware-traffic)`, () => {
  const a = ['10.3.0.3', '10.3.0.4', '10.3.0.5'].map((ip) => ({ ip, zone: 'eu-central-1a' }));
  const b = ['10.3.1.3', '10.3.1.4'].map((ip) => ({ ip, zone: 'eu-central-1b' }));
  const idx = new EndpointIndex(st([], [slice('a', [...a, ...b])]), true);
  const sp = { name: 'web', port: 80, targetPort: 8080 };
  assert.equal(idx.byServicePort('default', 'svc', undefined, sp, 'eu-central-1a').length, 3);
  assert.equal(idx.byServicePort('default', 'svc', undefined, sp, 'eu-central-1b').length, 5);
  assert.equal(idx.byServicePort('default', 'svc', undefined, sp, '').length, 5);
});

test('IPv6 endpoints are bracketed', () => {
  assert.equal(formatEndpoint('fd00::1', 'http', 80), 'http://[fd00::1]:80');
});
