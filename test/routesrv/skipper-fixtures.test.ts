/**
 * Skipper's routesrv fixtures (../shared/conformance/skipper/extra/routesrv/testdata) through the route server
 * with the options Skipper's routesrv tests set in code; unlike the data-client fixtures, LB endpoint zones are
 * compared (`?zone=` in the served eskip). Skipped when the shared corpus is not checked out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.ts';
import { kubeOptionsFromConfig } from '../../src/dataclients/kubernetes/from-config.ts';
import { loadManifests } from '../../src/dataclients/kubernetes/manifests.ts';
import { createKubernetesSource } from '../../src/dataclients/kubernetes/source.ts';
import { routePreprocessors } from '../../src/roles/route-pipeline.ts';
import { diffLists, parse } from '../../src/eskip/index.ts';
import { RouteServer } from '../../src/routesrv/server.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';

const dir = new URL('../../../shared/conformance/skipper/extra/routesrv/testdata/', import.meta.url).pathname;
const present = existsSync(dir);
const base = ['-kubernetes-healthcheck=false', '-kubernetes-https-redirect=false'];
const zoneA = [...base, '-enable-kubernetes-endpointslices', '-kubernetes-topology-zone=eu-central-1a'];

/** Set → flags, as routesrv_test.go configures each case. */
const CASES: Record<string, string[]> = {
  'forward-backend': [...base, '-forward-backend-url=http://forward.example'],
  'forward-backend-with-filter': [...base, '-forward-backend-url=http://forward.example'],
  'ing-v1-lb-target-multi': base,
  'ing-v1-lb-target-multi-explicit-lb-algo': [...base, '-kubernetes-default-lb-algorithm=powerOfRandomNChoices'],
  'internal-host-explicit-route-predicate': [
    ...base,
    '-kubernetes-east-west-range-domains=ingress.cluster.local',
    '-kubernetes-east-west-range-predicates=ClientIP("10.2.0.0/15")',
  ],
  'zone-aware-traffic/all-zones-2-addr': zoneA,
  'zone-aware-traffic/all-zones-3-addr': zoneA,
  'zone-aware-traffic/all-zones-3-addr-updated': zoneA,
  'zone-aware-traffic/all-zones-except-zone-a': zoneA,
  'zone-aware-traffic/all-zones-topology-zone-b': [...base, '-enable-kubernetes-endpointslices', '-kubernetes-topology-zone=eu-central-1b'],
  'zone-aware-traffic/mixed-zone-application-with-no-endpoints': zoneA,
  'zone-aware-traffic/mixed-zone-application-with-no-endpoints-zone-a': zoneA,
  'zone-aware-traffic/mixed-zone-threshold': zoneA,
  'zone-aware-traffic/mixed-zone-threshold-with-opt-out': zoneA,
  'zone-aware-traffic/only-zone-a': zoneA,
};

for (const [name, flags] of Object.entries(CASES)) {
  test(`routesrv fixture ${name}`, { skip: present ? false : 'shared conformance corpus not present' }, async (t) => {
    const api = await KubeApiServer.start(loadManifests(readFileSync(`${dir}${name}.yaml`, 'utf8'), name));
    t.after(() => api.stop());
    const opts = kubeOptionsFromConfig(loadConfig([...flags, `-kubernetes-url=${api.url}`]));
    const srv = new RouteServer({ source: createKubernetesSource(opts, { log: () => {} }) });
    t.after(() => srv.close());
    const { port } = await srv.listen(0, '127.0.0.1');
    await srv.startSource();
    const body = await (await fetch(`http://127.0.0.1:${port}/routes`)).text();
    const diff = diffLists(parse(body), parse(readFileSync(`${dir}${name}.eskip`, 'utf8')));
    assert.deepEqual(diff, []);
  });
}

/**
 * Sets that share lb-target-multi.yaml and differ by the route pre-processors routesrv_test.go configures
 * (EditRoute `Host[(](.*)[)]` → `HostAny($1)`, CloneRoute `Host` → `HostAny`, DefaultFilters), given here as
 * the command-line flags of skipjack-routesrv and wired the way it wires them.
 */
const PREPROCESSED: Record<string, string[]> = {
  'lb-target-multi': [],
  'lb-target-multi-with-edit-route': ['-edit-route=/Host[(](.*)[)]/HostAny($1)/'],
  'lb-target-multi-with-clone-route': ['-clone-route=/Host/HostAny/'],
  'lb-target-multi-with-default-filters': ['-default-filters-prepend=enableAccessLog(4, 5)', '-default-filters-append=status(200)'],
};

for (const [name, flags] of Object.entries(PREPROCESSED)) {
  test(`routesrv fixture ${name}`, { skip: present ? false : 'shared conformance corpus not present' }, async (t) => {
    const api = await KubeApiServer.start(loadManifests(readFileSync(`${dir}lb-target-multi.yaml`, 'utf8'), name));
    t.after(() => api.stop());
    const cfg = loadConfig([...base, ...flags, `-kubernetes-url=${api.url}`]);
    const errors: string[] = [];
    const srv = new RouteServer({
      source: createKubernetesSource(kubeOptionsFromConfig(cfg), { log: () => {} }),
      pre: routePreprocessors(cfg, (m) => errors.push(m)),
    });
    t.after(() => srv.close());
    const { port } = await srv.listen(0, '127.0.0.1');
    await srv.startSource();
    const body = await (await fetch(`http://127.0.0.1:${port}/routes`)).text();
    assert.deepEqual(diffLists(parse(body), parse(readFileSync(`${dir}${name}.eskip`, 'utf8'))), []);
    assert.deepEqual(errors, []);
  });
}

/** Redis shard lists: the service Skipper's routesrv test names (namespace1/service1), Endpoints or slices. */
for (const [yaml, slices] of [['redis', false], ['redis-endpointslice-single', true], ['redis-endpointslice-multi', true]] as const) {
  test(`routesrv redis shards ${yaml}`, { skip: present ? false : 'shared conformance corpus not present' }, async (t) => {
    const api = await KubeApiServer.start(loadManifests(readFileSync(`${dir}${yaml}.yaml`, 'utf8'), yaml));
    t.after(() => api.stop());
    const flags = [...base, `-kubernetes-url=${api.url}`, ...(slices ? ['-enable-kubernetes-endpointslices'] : [])];
    const opts = kubeOptionsFromConfig(loadConfig(flags));
    const srv = new RouteServer({
      source: createKubernetesSource(opts, { log: () => {} }),
      redis: { namespace: 'namespace1', name: 'service1', port: 6379 },
    });
    t.after(() => srv.close());
    const { port } = await srv.listen(0, '127.0.0.1');
    await srv.startSource();
    const got = await (await fetch(`http://127.0.0.1:${port}/swarm/redis/shards`)).json();
    const want = yaml === 'redis' || yaml === 'redis-endpointslice-single' ? JSON.parse(readFileSync(`${dir}redis-ip.json`, 'utf8')) : undefined;
    if (want) assert.deepEqual(got, want);
    else assert.ok((got as { endpoints: unknown[] }).endpoints.length > 0);
  });
}
