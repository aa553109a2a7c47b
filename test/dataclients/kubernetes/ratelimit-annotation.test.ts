/**
 * Rate limits from Kubernetes objects in a real `skipjack -kubernetes` process: the deprecated
 * `zalando.org/ratelimit` annotation (put before the `zalando.org/skipper-filter` filters of the Ingress's
 * routes) and a filter annotation, each limiting only its own Ingress.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../../support/backend.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../../support/kube-objects.ts';
import { startNode } from '../../support/process.ts';

const skipjack = fileURLToPath(new URL('../../../src/cmd/skipjack.ts', import.meta.url));

function get(port: number, host: string, headers: Record<string, string> = {}): Promise<{ status: number; limit?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, limit: res.headers['x-rate-limit'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('zalando.org/ratelimit and a rate-limit filter annotation limit their own Ingress only', { timeout: 120_000 }, async (t) => {
  const b = await startBackend('app', '127.0.0.2');
  t.after(() => b.close());
  const objects = [
    service('svc-app', 'default', 80, b.port), endpoints('svc-app', [b.host], 'default', b.port),
    ingress('limited', { host: 'limited.example.org', service: 'svc-app', annotations: { 'zalando.org/ratelimit': 'ratelimit(2, "1m")', 'zalando.org/skipper-filter': 'setRequestHeader("X-Seen", "1")' } }),
    ingress('login', { host: 'login.example.org', service: 'svc-app', annotations: { 'zalando.org/skipper-filter': 'clientRatelimit(1, "1h", "Authorization")' } }),
    ingress('open', { host: 'open.example.org', service: 'svc-app' }),
  ];
  const api = await KubeApiServer.start(objects);
  t.after(() => api.stop());
  const p = await startNode(skipjack, ['-kubernetes', `-kubernetes-url=${api.url}`, '-enable-ratelimits', '-address=127.0.0.1:0', '-support-listener=', '-access-log-disabled'],
    /proxy listening on https?:\/\/[^:]+:(\d+)/, 60_000);
  t.after(() => p.stop());
  const port = Number(p.match[1]);

  const limited = [];
  for (let i = 0; i < 3; i++) limited.push(await get(port, 'limited.example.org'));
  assert.deepEqual(limited.map((r) => r.status), [200, 200, 429]);
  assert.equal(limited[2]!.limit, '120');

  assert.deepEqual([(await get(port, 'login.example.org', { authorization: 'a' })).status, (await get(port, 'login.example.org', { authorization: 'a' })).status], [200, 429]);
  assert.equal((await get(port, 'login.example.org', { authorization: 'b' })).status, 200);

  for (let i = 0; i < 5; i++) assert.equal((await get(port, 'open.example.org')).status, 200);
});
