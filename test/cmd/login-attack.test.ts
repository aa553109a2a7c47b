/**
 * Issue 9, item 7, end to end: the Ingress objects `app` and `app-login` of Skipper's ingress-usage docs
 * ("Path ratelimit"), in a Kubernetes API server, served by three skipjack processes with -kubernetes and the
 * swarm on (a real redis-server, found through the endpoints of a Kubernetes Service). Each client (X-Forwarded-For) gets at most 10 logins per hour across the
 * swarm, while `/` stays unlimited.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/index.ts';
import { endpoints, service } from '../support/kube-objects.ts';
import { startRedis } from '../support/redis-server.ts';
import { startBackend, startSkipjack, until, type Skipjack } from './harness.ts';

const HOST = 'app-default.example.org';

/** An Ingress as the docs write it: one rule for HOST, ImplementationSpecific, no path. */
function docsIngress(name: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', ...(annotations !== undefined ? { annotations } : {}) },
    spec: {
      rules: [{
        host: HOST,
        http: { paths: [{ backend: { service: { name: 'app-svc', port: { number: 80 } } }, pathType: 'ImplementationSpecific' }] },
      }],
    },
  } as unknown as KubeObject;
}

function get(s: Skipjack, path: string, client: string): Promise<number> {
  const u = new URL(s.base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { host: HOST, 'x-forwarded-for': client, connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

test('login attack: each client gets at most 10 logins per hour across three instances; / stays unlimited', { timeout: 120_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const b = await startBackend(t, (_req, res) => res.end('app'));
  const port = Number(new URL(b.url).port);
  const api = await KubeApiServer.start([
    service('app-svc', 'default', 80, port),
    endpoints('app-svc', ['127.0.0.1'], 'default', port),
    // The swarm's Redis, found as Kubernetes finds it: the ready endpoints of a Service.
    service('redis', 'swarm', redis.port, redis.port),
    endpoints('redis', ['127.0.0.1'], 'swarm', redis.port),
    docsIngress('app-default'),
    docsIngress('app-login', {
      'zalando.org/skipper-predicate': 'Path("/login")',
      'zalando.org/skipper-filter': 'clusterClientRatelimit("login-ratelimit", 10, "1h")',
    }),
  ]);
  t.after(() => api.stop());
  const fleet = await Promise.all([0, 1, 2].map(() => startSkipjack(t, [
    '-access-log-disabled', '-wait-for-healthcheck-interval=0s', '-kubernetes', `-kubernetes-url=${api.url}`,
    '-enable-ratelimits', '-enable-swarm', '-swarm-redis-read-timeout=2s',
    '-kubernetes-redis-service-namespace=swarm', '-kubernetes-redis-service-name=redis', `-kubernetes-redis-service-port=${redis.port}`,
  ])));
  // Routes served once the first conversion landed (the API server answers the list at once).
  await until(async () => (await Promise.all(fleet.map((s) => get(s, '/', '192.0.2.1')))).every((st) => st === 200), 'the app routes on every instance', 30_000);

  const attackers = ['198.51.100.7', '203.0.113.9'];
  for (const client of attackers) {
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => get(fleet[i % 3]!, '/login', client)));
    const admitted = statuses.filter((st) => st === 200).length;
    t.diagnostic(`client ${client}: ${admitted} of 30 logins admitted across 3 instances`);
    assert.equal(admitted, 10, `client ${client}: ${JSON.stringify(statuses)}`);
    assert.equal(statuses.filter((st) => st === 429).length, 20);
  }
  for (const s of fleet) assert.doesNotMatch(s.stderr(), /unreachable/, 'every decision went to the Service\'s Redis');
  // A third client still logs in: the limit is per client.
  assert.equal(await get(fleet[1]!, '/login', '192.0.2.50'), 200);
  // The rest of the app is not limited, for the attackers either.
  const rest = await Promise.all(Array.from({ length: 60 }, (_, i) => get(fleet[i % 3]!, '/', attackers[i % 2]!)));
  assert.deepEqual(new Set(rest), new Set([200]));
});
