/**
 * RouteGroup `tls` sections: certificates collected for the hosts the group routes, and Skipper's log
 * lines (texts from the routegroups/tls/*.log fixtures).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSharedContext } from '../../../../src/dataclients/kubernetes/convert/context.ts';
import { convertRouteGroups } from '../../../../src/dataclients/kubernetes/convert/routegroup.ts';
import type { ClusterState, KubeLogEntry, KubeObject, TLSCertificate } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { defaultKubeOptions } from '../../../../src/dataclients/kubernetes/options.ts';

// A throwaway self-signed P-256 pair for example.org, made for this test only (base64 as in a Secret).
const crt = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJnekNDQVNtZ0F3SUJBZ0lVWllmT2lDd3djNkEydWVHaVdWMEVCZ0psQkk0d0NnWUlLb1pJemowRUF3SXcKRmpFVU1CSUdBMVVFQXd3TFpYaGhiWEJzWlM1dmNtY3dJQmNOTWpZeE1USTJNRGt6TmpNeFdoZ1BNakV5TmpFeApNREl3T1RNMk16RmFNQll4RkRBU0JnTlZCQU1NQzJWNFlXMXdiR1V1YjNKbk1Ga3dFd1lIS29aSXpqMENBUVlJCktvWkl6ajBEQVFjRFFnQUVMWndodGsyNjFRMkgwSWxiUlhmczhYV3Bwd1dQZWlsNEJEUUNvS2ZwTG90R0xKb0YKdTRQMjdjWUJ1UERIY0g3bUJ1WVBjdWtuV29EL1dXbmlTa2FLd0tOVE1GRXdIUVlEVlIwT0JCWUVGTWYyWFRSagpQWldwZDBkcTlWM3BJZWVwMUdZb01COEdBMVVkSXdRWU1CYUFGTWYyWFRSalBaV3BkMGRxOVYzcEllZXAxR1lvCk1BOEdBMVVkRXdFQi93UUZNQU1CQWY4d0NnWUlLb1pJemowRUF3SURTQUF3UlFJZ05HOXdZbGYvelZVVzNYT3cKSnljelErWUJKUXdDNnhmWWpNWWRMQVI3S3lBQ0lRRE5WTjdoclBRNFJtUzl2VzVLRlBqaXRIN3U5N3lWRGMrVgpqdjg5ZmlueHNRPT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=';
const key = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ3JydjVPUENrNGF2cCtGWlMKazV3Z0xTamNIajU3VXYzL2hjNW4zMkthZ1dxaFJBTkNBQVF0bkNHMlRiclZEWWZRaVZ0RmQrenhkYW1uQlk5NgpLWGdFTkFLZ3Ara3VpMFlzbWdXN2cvYnR4Z0c0OE1kd2Z1WUc1Zzl5NlNkYWdQOVphZUpLUm9yQQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==';

function group(tlsHosts: string[], secretName = 'myapp-secret'): KubeObject {
  return {
    kind: 'RouteGroup',
    metadata: { name: 'myapp', namespace: 'default' },
    spec: {
      hosts: ['example.org'],
      backends: [{ name: 'app', type: 'shunt' }],
      defaultBackends: [{ backendName: 'app' }],
      tls: [{ hosts: tlsHosts, secretName }],
    },
  };
}

function secret(data: Record<string, string>): KubeObject {
  return { kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'myapp-secret', namespace: 'default' }, data };
}

function run(rg: KubeObject, secrets: KubeObject[], enableTLS = true): { certificates: TLSCertificate[]; logs: string[] } {
  const state: ClusterState = { ingresses: [], routeGroups: [rg], services: [], endpoints: [], endpointSlices: [], secrets };
  const opts = { ...defaultKubeOptions(), enableTLS };
  const logs: KubeLogEntry[] = [];
  const log = (e: KubeLogEntry) => logs.push(e);
  const certificates: TLSCertificate[] = [];
  convertRouteGroups(state, opts, log, createSharedContext(state, opts, log), { certificates });
  return { certificates, logs: logs.map((l) => `${l.level} ${l.msg}${l.kind ? ` kind=${l.kind} name=${l.name} ns=${l.ns}` : ''}`) };
}

test('a matching tls section yields the certificate for the routed hosts only (fixture tls/tls-host-mismatch)', () => {
  const { certificates, logs } = run(group(['bar.org', 'example.org']), [secret({ 'tls.crt': crt, 'tls.key': key })]);
  assert.deepEqual(
    certificates.map((c) => [c.hosts, c.secretNamespace, c.secretName, c.cert.startsWith('-----BEGIN CERTIFICATE-----')]),
    [[['example.org'], 'default', 'myapp-secret', true]],
  );
  assert.deepEqual(logs, [
    "info Hosts in TLS and RouteGroup don't match: tls hosts: [bar.org example.org], routegroup hosts: [example.org] kind=RouteGroup name=myapp ns=default",
    'info adding certificate to registry - example.org',
  ]);
});

test('problems with tls sections are logged (fixtures tls-missing-host, tls-invalid-secret)', () => {
  const missing = run(group(['foo.org']), [secret({ 'tls.crt': crt, 'tls.key': key })]);
  assert.deepEqual(missing.certificates, []);
  assert.deepEqual(missing.logs, ['error No matching tls hosts found - tls hosts: [foo.org], routegroup hosts: [example.org] kind=RouteGroup name=myapp ns=default']);

  const invalid = run(group(['example.org']), [secret({})]);
  assert.deepEqual(invalid.logs, [
    'error Failed to generate TLS certificate from secret: secret must contain tls.crt and tls.key in data field kind=RouteGroup name=myapp ns=default',
  ]);

  const noSecret = run(group(['example.org'], 'other'), []);
  assert.deepEqual(noSecret.logs, ['error Failed to find secret other in namespace default kind=RouteGroup name=myapp ns=default']);
});

test('tls sections are ignored without -kubernetes-enable-tls', () => {
  const { certificates, logs } = run(group(['example.org']), [secret({ 'tls.crt': crt, 'tls.key': key })], false);
  assert.deepEqual([certificates, logs], [[], []]);
});
