/**
 * A real `skipjack -kubernetes` process against the test API server, with real HTTP backends on 127.0.0.x:
 * host and path rules (Prefix, Exact, ImplementationSpecific), default backend, ingress class filtering,
 * namespace scoping, the HTTPS redirect, east-west range predicates, backend weights, endpoints changing under
 * traffic without failed requests, and the API server dying and returning.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../../src/dataclients/kubernetes/convert/types.ts';
import { startBackend, type Backend } from '../../support/backend.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../../support/kube-objects.ts';
import { startNode } from '../../support/process.ts';
import { waitFor } from '../../support/wait.ts';

const skipjack = fileURLToPath(new URL('../../../src/cmd/skipjack.ts', import.meta.url));

interface Reply {
  status: number;
  body: string;
  location?: string;
}

/**
 * Requests carry `X-Forwarded-Proto: https`, as from the TLS-terminating load balancer skipjack runs behind in
 * a cluster; only the redirect check sends `http`.
 */
function get(port: number, host: string, path = '/', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, 'x-forwarded-proto': 'https', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A Service named after the backend, whose one endpoint is that backend. */
function backendObjects(b: Backend, ns = 'default'): KubeObject[] {
  return [service(`svc-${b.name}`, ns, 80, b.port), endpoints(`svc-${b.name}`, [b.host], ns, b.port)];
}

async function backends(t: TestContext, names: string[]): Promise<Record<string, Backend>> {
  const out: Record<string, Backend> = {};
  for (const [i, n] of names.entries()) {
    out[n] = await startBackend(n, `127.0.0.${i + 2}`);
    t.after(() => out[n]!.close());
  }
  return out;
}

async function startSkipjack(t: TestContext, api: KubeApiServer, extra: string[] = []): Promise<number> {
  const p = await startNode(
    skipjack,
    ['-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', '-workers=1', '-access-log-disabled', ...extra],
    /proxy listening on https?:\/\/[^:]+:(\d+)/,
    60_000,
  );
  t.after(() => p.stop());
  return Number(p.match[1]);
}

test('skipjack -kubernetes routes Ingresses to real backends and follows the API', { timeout: 120_000 }, async (t) => {
  const b = await backends(t, ['a', 'b', 'c', 'd', 'w']);
  const weighted = ingress('weighted', { host: 'weights.example.org', service: 'svc-a' });
  weighted.metadata.annotations = { 'zalando.org/backend-weights': '{"svc-a": 70, "svc-w": 30}' };
  weighted.spec.rules[0].http.paths.push({ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc-w', port: { number: 80 } } } });
  const paths = ingress('paths', { host: 'host.example.org', path: '/api', service: 'svc-a' });
  paths.spec.rules[0].http.paths.push(
    { path: '/exact', pathType: 'Exact', backend: { service: { name: 'svc-b', port: { number: 80 } } } },
    { path: '/impl', pathType: 'ImplementationSpecific', backend: { service: { name: 'svc-c', port: { number: 80 } } } },
  );
  const api = await KubeApiServer.start([
    ...Object.values(b).flatMap((x) => backendObjects(x)),
    paths,
    weighted,
    { ...ingress('default', { host: 'unused.example.org', service: 'svc-d' }), spec: { defaultBackend: { service: { name: 'svc-d', port: { number: 80 } } } } },
    ingress('nginx', { host: 'nginx.example.org', service: 'svc-a', ingressClassName: 'nginx' }),
    ingress('internal', { host: 'app.ingress.cluster.local', service: 'svc-b' }),
  ]);
  t.after(() => api.stop());
  const port = await startSkipjack(t, api, [
    '-kubernetes-east-west-range-domains=ingress.cluster.local',
    '-kubernetes-east-west-range-predicates=Header("X-Internal", "yes")',
  ]);
  await waitFor('routes loaded', async () => (await get(port, 'host.example.org', '/api/x')).body === 'a', 20_000);

  // Path rules.
  assert.equal((await get(port, 'host.example.org', '/api')).body, 'a', 'Prefix /api');
  assert.equal((await get(port, 'host.example.org', '/exact')).body, 'b', 'Exact /exact');
  assert.notEqual((await get(port, 'host.example.org', '/exact/more')).body, 'b', 'Exact does not match below');
  assert.equal((await get(port, 'host.example.org', '/impl-anything')).body, 'c', 'ImplementationSpecific is a regexp prefix');
  assert.equal((await get(port, 'host.example.org', '/other')).body, 'd', 'unmatched path falls to the default backend');
  // Default backend for hosts without rules; the nginx-class Ingress is not ours.
  assert.equal((await get(port, 'elsewhere.example.org')).body, 'd');
  assert.equal((await get(port, 'nginx.example.org')).body, 'd', 'ingress class filtered');
  // East-west range routes get the configured predicates.
  assert.equal((await get(port, 'app.ingress.cluster.local', '/', { 'x-internal': 'yes' })).body, 'b');
  assert.notEqual((await get(port, 'app.ingress.cluster.local')).body, 'b');
  // HTTPS redirect for requests that came in as plain HTTP behind a load balancer.
  const redirect = await get(port, 'host.example.org', '/api', { 'x-forwarded-proto': 'http', 'x-forwarded-port': '80' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.location, 'https://host.example.org/api');
  // Backend weights split the traffic.
  const seen = { a: 0, w: 0 } as Record<string, number>;
  for (let i = 0; i < 200; i++) seen[(await get(port, 'weights.example.org')).body]!++;
  assert.ok(seen.w! > 0 && seen.a! > seen.w! && seen.a! + seen.w! === 200, JSON.stringify(seen));

  // The API server dies: routes keep serving; a change made meanwhile arrives after it returns.
  await api.stop();
  assert.equal((await get(port, 'host.example.org', '/api')).body, 'a');
  api.apply(ingress('late', { host: 'late.example.org', service: 'svc-c' }));
  await api.restart();
  await waitFor('change made during the outage', async () => (await get(port, 'late.example.org')).body === 'c', 20_000);
});

test('endpoints added and removed under traffic: no failed request', { timeout: 120_000 }, async (t) => {
  const e1 = await startBackend('e1', '127.0.0.6');
  t.after(() => e1.close());
  // Endpoints share the port number, so the second backend takes the first one's port on another address.
  const e2 = await startBackendOn('e2', '127.0.0.7', e1.port);
  t.after(() => e2.close());
  const api = await KubeApiServer.start([
    service('flow', 'default', 80, e1.port),
    endpoints('flow', ['127.0.0.6'], 'default', e1.port),
    ingress('flow', { host: 'flow.example.org', service: 'flow' }),
  ]);
  t.after(() => api.stop());
  const port = await startSkipjack(t, api);
  await waitFor('flow routed', async () => (await get(port, 'flow.example.org')).body === 'e1', 20_000);

  let running = true;
  const failures: string[] = [];
  let total = 0;
  const traffic = (async () => {
    while (running) {
      const r = await get(port, 'flow.example.org').catch((e: Error) => ({ status: 0, body: e.message }));
      total++;
      if (r.status !== 200) failures.push(`${r.status} ${r.body}`);
    }
  })();
  api.apply(endpoints('flow', ['127.0.0.6', '127.0.0.7'], 'default', e1.port));
  await waitFor('second endpoint serving', () => e2.requests > 5, 20_000);
  api.apply(endpoints('flow', ['127.0.0.7'], 'default', e1.port));
  await waitFor('first endpoint drained', async () => {
    const before = e1.requests;
    const afterE2 = e2.requests;
    await waitFor('more traffic', () => e2.requests > afterE2 + 20, 10_000);
    return e1.requests === before;
  }, 20_000);
  running = false;
  await traffic;
  assert.deepEqual(failures, [], `${failures.length} of ${total} requests failed`);
});

test('-kubernetes-namespace scopes the routes', { timeout: 120_000 }, async (t) => {
  const b = await backends(t, ['a']);
  const api = await KubeApiServer.start([
    ...backendObjects(b.a!, 'team'),
    ...backendObjects(b.a!, 'other'),
    ingress('mine', { ns: 'team', host: 'mine.example.org', service: 'svc-a' }),
    ingress('theirs', { ns: 'other', host: 'theirs.example.org', service: 'svc-a' }),
  ]);
  t.after(() => api.stop());
  const port = await startSkipjack(t, api, ['-kubernetes-namespace=team']);
  await waitFor('own namespace routed', async () => (await get(port, 'mine.example.org')).body === 'a', 20_000);
  assert.equal((await get(port, 'theirs.example.org')).status, 404);
});

async function startBackendOn(name: string, host: string, port: number): Promise<Backend> {
  const { createServer } = await import('node:http');
  const b: Backend = { name, host, port, requests: 0, close: async () => {} };
  const server = createServer((_req, res) => {
    b.requests++;
    res.end(name);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  b.close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return b;
}
