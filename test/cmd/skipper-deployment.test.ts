/**
 * Skipper's documented deployment, run as is: the real skipjack bin with the args of Skipper's
 * deployment.yaml and daemonset.yaml (docs/data/skipper-catalog.json `deployArgs`) against the test API server,
 * with Ingresses and a RouteGroup as Skipper's docs write them, plus one invalid Ingress. Every valid route is
 * served by real backends on 127.0.0.x, the health-check route answers, the default filters of the args are on
 * the routes, and the invalid Ingress is refused by name and reason without taking the others down.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';
import { startBackend, type Backend } from '../support/backend.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, ingress, routeGroup, service } from '../support/kube-objects.ts';
import { builtCommand, ROOT, startSkipjack, until } from './harness.ts';

const catalog = JSON.parse(readFileSync(join(ROOT, 'docs/data/skipper-catalog.json'), 'utf8')) as { deployArgs: Record<string, string[]> };

/**
 * The manifest's args, as the container runs them, with only what cannot work outside a cluster replaced:
 * - the leading `skipper` is the container's command, not an arg;
 * - `-kubernetes-in-cluster` reads the service account and KUBERNETES_SERVICE_HOST, which a test has not:
 *   replaced by `-kubernetes-url=<test API server>`;
 * - `-address=:9999` binds every interface on a fixed port: dropped, the harness adds `-address=127.0.0.1:0`
 *   (and `-support-listener=127.0.0.1:0`, whose default :9911 is fixed too, and `-workers=1`).
 */
function deployArgs(manifest: string, apiUrl: string): string[] {
  const args = catalog.deployArgs[manifest];
  assert.ok(args !== undefined && args[0] === 'skipper', `${manifest} in the catalog`);
  for (const replaced of ['-kubernetes-in-cluster', '-address=:9999']) assert.ok(args.includes(replaced), `${manifest} has ${replaced}`);
  return args.slice(1).flatMap((a) => {
    if (a === '-kubernetes-in-cluster') return [`-kubernetes-url=${apiUrl}`];
    if (a === '-address=:9999') return [];
    return [a];
  });
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Requests come as from the TLS-terminating load balancer in front of Skipper. */
function get(base: string, host: string, path = '/', headers: Record<string, string> = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, agent: false, headers: { host, 'x-forwarded-proto': 'https', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function backends(t: TestContext, names: string[]): Promise<Record<string, Backend>> {
  const out: Record<string, Backend> = {};
  for (const [i, n] of names.entries()) {
    out[n] = await startBackend(n, `127.0.0.${i + 2}`);
    t.after(() => out[n]!.close());
  }
  return out;
}

function objects(b: Record<string, Backend>): KubeObject[] {
  const out: KubeObject[] = Object.values(b).flatMap((x) => [service(`svc-${x.name}`, 'default', 80, x.port), endpoints(`svc-${x.name}`, [x.host], 'default', x.port)]);
  const weighted = ingress('weighted', { host: 'weights.example.org', service: 'svc-a', annotations: { 'zalando.org/backend-weights': '{"svc-a": 80, "svc-w": 20}' } });
  weighted.spec.rules[0].http.paths.push({ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc-w', port: { number: 80 } } } });
  out.push(
    ingress('paths', { host: 'paths.example.org', path: '/api', service: 'svc-a' }),
    ingress('filtered', { host: 'filter.example.org', service: 'svc-b', annotations: { 'zalando.org/skipper-filter': 'setResponseHeader("X-Filtered", "yes")' } }),
    ingress('predicated', { host: 'pred.example.org', service: 'svc-c', annotations: { 'zalando.org/skipper-predicate': 'Header("X-Canary", "yes")' } }),
    ingress('limited', { host: 'limit.example.org', service: 'svc-d', annotations: { 'zalando.org/skipper-filter': 'clientRatelimit(2, "1h", "Authorization")' } }),
    weighted,
    routeGroup('grouped', 'rg.example.org', 'svc-g'),
    // The one invalid object: a filter no Skipper has.
    ingress('broken', { host: 'broken.example.org', service: 'svc-a', annotations: { 'zalando.org/skipper-filter': 'noSuchFilter("x")' } }),
  );
  return out;
}

for (const manifest of Object.keys(catalog.deployArgs)) {
  test(`Skipper's ${manifest} args: documented objects served, the invalid one refused by name`, { timeout: 180_000 }, async (t) => {
    const b = await backends(t, ['a', 'b', 'c', 'd', 'w', 'g']);
    const api = await KubeApiServer.start(objects(b));
    t.after(() => api.stop());
    const args = deployArgs(manifest, api.url);
    const sj = await startSkipjack(t, args, { command: builtCommand() });
    // skipjack always waits for the first route load before it listens, so the routes are there already.
    const paths = await get(sj.base, 'paths.example.org', '/api/x');
    assert.deepEqual([paths.status, paths.body], [200, 'a'], 'host rule with path prefix');
    assert.equal((await get(sj.base, 'paths.example.org', '/other')).status, 404, 'outside the prefix');

    const filtered = await get(sj.base, 'filter.example.org');
    assert.deepEqual([filtered.status, filtered.body, filtered.headers['x-filtered']], [200, 'b', 'yes'], 'zalando.org/skipper-filter');

    const canary = await get(sj.base, 'pred.example.org', '/', { 'x-canary': 'yes' });
    assert.deepEqual([canary.status, canary.body], [200, 'c'], 'zalando.org/skipper-predicate matches');
    assert.equal((await get(sj.base, 'pred.example.org')).status, 404, 'zalando.org/skipper-predicate does not match');

    // -enable-ratelimits is in both manifests: the clientRatelimit filter annotation limits per Authorization.
    const limited = [];
    for (let i = 0; i < 3; i++) limited.push(await get(sj.base, 'limit.example.org', '/', { authorization: 'Bearer one' }));
    assert.deepEqual(limited.map((r) => [r.status, r.status === 200 ? r.body : '']), [[200, 'd'], [200, 'd'], [429, '']], 'clientRatelimit(2, "1h")');
    assert.deepEqual([(await get(sj.base, 'limit.example.org', '/', { authorization: 'Bearer two' })).status], [200], 'another client has its own bucket');

    const seen: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const r = await get(sj.base, 'weights.example.org');
      assert.equal(r.status, 200);
      seen[r.body] = (seen[r.body] ?? 0) + 1;
    }
    assert.ok(seen.a! > seen.w! && seen.w! > 0 && seen.a! + seen.w! === 100, `zalando.org/backend-weights 80/20: ${JSON.stringify(seen)}`);

    const grouped = await get(sj.base, 'rg.example.org', '/any/path');
    assert.deepEqual([grouped.status, grouped.body], [200, 'g'], 'RouteGroup');

    assert.equal((await get(sj.base, 'whatever.example.org', '/kube-system/healthz')).status, 200, 'Kubernetes health-check route');

    // The invalid Ingress: refused with its namespace, name and reason in the log (the route id is
    // kube_<namespace>__<name>__…; the line is logfmt, so its quotes are escaped), not served; the rest are.
    const refused = await sj.waitFor(/invalid route \\?"(kube_default__broken__[^"\\]*)\\?" \((\w+)\): ([^\n]*)/);
    assert.equal(refused[2], 'unknown_filter');
    assert.match(refused[3]!, /noSuchFilter/);
    assert.equal((await get(sj.base, 'broken.example.org')).status, 404, 'invalid Ingress not served');
    const table = await (await fetch(`${sj.support}/routes?format=json`)).json() as {
      routes: { id: string; filters: { name: string; args: unknown[] }[] }[];
      invalid: { id: string; reason: string }[];
    };
    assert.ok(table.invalid.length > 0 && table.invalid.every((r) => r.id.startsWith('kube_default__broken__') && r.reason === 'unknown_filter'), JSON.stringify(table.invalid));
    assert.ok(!table.routes.some((r) => r.id.includes('broken')), 'no route of the invalid Ingress in the table');

    // -default-filters-prepend (deployment.yaml only): in front of every Ingress and RouteGroup route.
    const prepend = args.find((a) => a.startsWith('-default-filters-prepend='));
    const objectRoutes = table.routes.filter((r) => /^kube(rg)?_default__/.test(r.id));
    assert.ok(objectRoutes.length >= 6, objectRoutes.map((r) => r.id).join(', '));
    for (const r of objectRoutes) {
      const head = r.filters.slice(0, 2).map((f) => `${f.name}(${f.args.map((x) => JSON.stringify(x)).join(',')})`).join(' -> ');
      if (prepend === undefined) assert.ok(!r.filters.some((f) => f.name === 'lifo'), `${r.id}: no default filters`);
      else assert.equal(head, 'enableAccessLog(4,5) -> lifo(2000,20000,"3s")', r.id);
    }
    if (prepend !== undefined) {
      // enableAccessLog(4,5): the 429 and 404 above are in the access log, the 200s are not.
      await sj.waitFor(/"GET \/ HTTP\/1\.1" 429 /);
      assert.doesNotMatch(sj.stdout() + sj.stderr(), /"GET \/api\/x HTTP\/1\.1" 200 /);
    } else {
      // Without the default filters the access log has every request, the 200s too (the match above can fail).
      await sj.waitFor(/"GET \/api\/x HTTP\/1\.1" 200 /);
    }
  });
}
