/**
 * skipjack-routesrv as a process against the test API server: /routes with ETag/304, /health, the Redis
 * shard list, and three polling consumers that all see an Ingress change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parse } from '../../src/eskip/index.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../support/kube-objects.ts';
import { startNode } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

const routesrv = fileURLToPath(new URL('../../src/cmd/skipjack-routesrv.ts', import.meta.url));

/** A consumer polling /routes the way `-routes-urls` does: conditional GETs, keeping the last body. */
class Consumer {
  etag = '';
  body = '';
  notModified = 0;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  async poll(): Promise<void> {
    const rsp = await fetch(this.url, { headers: this.etag ? { 'if-none-match': this.etag } : {} });
    if (rsp.status === 304) {
      this.notModified++;
      return;
    }
    assert.equal(rsp.status, 200);
    this.etag = rsp.headers.get('etag') ?? '';
    this.body = await rsp.text();
  }
  hosts(): string[] {
    return parse(this.body).flatMap((r) => r.predicates.filter((p) => p.name === 'Host').map((p) => String(p.args[0])));
  }
}

test('route server: routes, 304, health, redis shards, three consumers follow a change', async (t) => {
  const api = await KubeApiServer.start([
    ingress('shop', { host: 'shop.example.org', service: 'shop' }),
    service('shop'),
    endpoints('shop', ['10.2.0.1']),
    service('redis', 'swarm', 6379, 6379),
    endpoints('redis', ['10.2.9.1', '10.2.9.2'], 'swarm', 6379),
  ]);
  t.after(() => api.stop());
  const srv = await startNode(
    routesrv,
    [
      `-kubernetes-url=${api.url}`,
      '-address=127.0.0.1:0',
      '-kubernetes-healthcheck=false',
      '-kubernetes-https-redirect=false',
      '-kubernetes-redis-service-namespace=swarm',
      '-kubernetes-redis-service-name=redis',
    ],
    /routes initialized.*\n/,
  );
  t.after(() => srv.stop());
  const port = /listening on [^:]+:(\d+)/.exec(srv.stderr())![1];
  const base = `http://127.0.0.1:${port}`;

  assert.equal((await fetch(`${base}/health`)).status, 204);
  const shards = await (await fetch(`${base}/swarm/redis/shards`)).json();
  assert.deepEqual(shards, { endpoints: [{ address: '10.2.9.1:6379' }, { address: '10.2.9.2:6379' }] });

  const first = await fetch(`${base}/routes`);
  assert.equal(first.status, 200);
  const etag = first.headers.get('etag')!;
  assert.match(etag, /^"[0-9a-f]{64}"$/);
  assert.ok(Number(first.headers.get('x-count')) >= 1);
  assert.match(await first.text(), /shop\[\.\]example\[\.\]org/);
  assert.equal((await fetch(`${base}/routes`, { headers: { 'if-none-match': etag } })).status, 304);

  const consumers = [1, 2, 3].map(() => new Consumer(`${base}/routes`));
  await Promise.all(consumers.map((c) => c.poll()));
  api.apply(ingress('shop', { host: 'shop2.example.org', service: 'shop' }));
  for (const c of consumers) {
    await waitFor('consumer sees the modified Ingress', async () => {
      await c.poll();
      return c.hosts().some((h) => h.includes('shop2'));
    });
  }
  assert.ok(consumers.every((c) => !c.hosts().some((h) => h.includes('^(shop[.]'))), 'old host gone');
  const etags = new Set(consumers.map((c) => c.etag));
  assert.equal(etags.size, 1, 'all consumers hold the same generation');
});

test('route server without an API: health 503 and /routes 404 until the first load', async (t) => {
  const api = await KubeApiServer.start([ingress('a', { host: 'a.example', service: 's' })], { failOn: ['/api/v1/services'] });
  t.after(() => api.stop());
  const srv = await startNode(routesrv, [`-kubernetes-url=${api.url}`, '-address=127.0.0.1:0'], /listening on [^:]+:(\d+)/);
  t.after(() => srv.stop());
  const base = `http://127.0.0.1:${srv.match[1]}`;
  await waitFor('a failed load logged', () => /failed to load cluster state/.test(srv.stderr()));
  assert.equal((await fetch(`${base}/health`)).status, 503);
  assert.equal((await fetch(`${base}/routes`)).status, 404);
  assert.deepEqual(await (await fetch(`${base}/swarm/redis/shards`)).json(), { endpoints: [] });
  api.setStatus('/api/v1/services', 0);
  await waitFor('healthy after the API recovers', async () => (await fetch(`${base}/health`)).status === 204, 60_000);
});
