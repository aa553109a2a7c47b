/**
 * One test API server, one skipjack-routesrv and three skipjack processes polling it with -routes-urls:
 * an Ingress change made in the API reaches all three proxies, which then route to the new backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { startBackend } from '../support/backend.ts';
import { endpoints, ingress, service } from '../support/kube-objects.ts';
import { startNode } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

const routesrv = fileURLToPath(new URL('../../src/cmd/skipjack-routesrv.ts', import.meta.url));
const skipjack = fileURLToPath(new URL('../../src/cmd/skipjack.ts', import.meta.url));

/** GET / on a proxy with a Host header; resolves with status and body. */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('an Ingress change reaches three skipjack instances through one route server', { timeout: 90_000 }, async (t) => {
  const a = await startBackend('a', '127.0.0.2');
  const b = await startBackend('b', '127.0.0.3');
  t.after(() => a.close());
  t.after(() => b.close());
  const api = await KubeApiServer.start([
    ingress('shop', { host: 'shop.example.org', service: 'a' }),
    service('a', 'default', 80, a.port),
    endpoints('a', [a.host], 'default', a.port),
    service('b', 'default', 80, b.port),
    endpoints('b', [b.host], 'default', b.port),
  ]);
  t.after(() => api.stop());
  const rs = await startNode(
    routesrv,
    [`-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-kubernetes-https-redirect=false'],
    /route server listening on [^:]+:(\d+)/,
  );
  t.after(() => rs.stop());
  const routesUrl = `http://127.0.0.1:${rs.match[1]}/routes`;
  await waitFor('route server initialized', async () => (await fetch(routesUrl)).status === 200);

  // Each proxy is registered for stopping as soon as it runs, so one failing to start never leaks the others.
  // The poll timeout is also the first fetch's timeout: generous, since the machine may be busy.
  const proxies = await Promise.all(
    [1, 2, 3].map(async () => {
      const p = await startNode(
        skipjack,
        [`-routes-urls=${routesUrl}`, '-source-poll-timeout=1000', '-address=127.0.0.1:0', '-support-listener=', '-access-log-disabled'],
        /proxy listening on https?:\/\/[^:]+:(\d+)/,
        60_000,
      );
      t.after(() => p.stop());
      return p;
    }),
  );
  const ports = proxies.map((p) => Number(p.match[1]));

  for (const port of ports) {
    await waitFor(`proxy ${port} routes to a`, async () => (await get(port, 'shop.example.org')).body === 'a', 60_000);
  }
  api.apply(ingress('shop', { host: 'shop.example.org', service: 'b' }));
  for (const port of ports) {
    await waitFor(`proxy ${port} routes to b`, async () => (await get(port, 'shop.example.org')).body === 'b', 60_000);
  }
  assert.ok(b.requests >= 3);
});
