/**
 * Redis mode with -workers 2 in the real skipjack command: the instance counts as one member however many
 * workers serve it — while Redis is away the instance's fallback share is held once, by the primary (not
 * N times, once per worker), and what the workers admitted meanwhile is re-seeded when Redis returns; the
 * shard list of a Kubernetes Service is watched by the primary and followed by every worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/index.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, service } from '../support/kube-objects.ts';
import { startRedis } from '../support/redis-server.ts';
import { builtCommand, startBackend, startSkipjack, until } from './harness.ts';

const quiet = ['-access-log-disabled', '-wait-for-healthcheck-interval=0s'];

/** One request on a new connection (fetch would not send a Host header of our choosing). */
function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, headers: { connection: 'close', ...headers }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

/** `n` requests one after another (new connections, so node:cluster spreads them over the workers). */
async function statuses(url: string, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await get(url, headers));
  return out;
}

const count = (xs: number[], s: number) => xs.filter((x) => x === s).length;

async function metric(support: string, re: RegExp): Promise<number> {
  const text = await (await fetch(`${support}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m !== null) sum += Number(m[1]);
  }
  return sum;
}

test('Redis down, -workers 2: the instance admits its share once, not once per worker; Redis gets the admissions back on return', { timeout: 120_000 }, async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  await redis.kill('SIGKILL');
  const url = (await startBackend(t, (_req, res) => res.end('ok'))).url;
  const s = await startSkipjack(t, [
    ...quiet, '-enable-swarm', '-enable-ratelimits', `-swarm-redis-urls=${redis.address}`, '-swarm-redis-read-timeout=2s',
    `-inline-routes=r: * -> clusterRatelimit("g", 10, "1h") -> "${url}"`,
  ], { workers: 2, command: builtCommand() });
  const first = await statuses(s.base + '/', 30);
  assert.equal(count(first, 200), 10, JSON.stringify(first));
  assert.equal(count(first, 429), 20);
  assert.equal(await metric(s.support, /^skipjack_swarm_ratelimit_decisions_total\{[^}]*source="fallback"[^}]*outcome="allowed"[^}]*\} (\d+)/), 10);

  await redis.restart();
  const direct = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  direct.on('error', () => {});
  await direct.connect();
  t.after(() => direct.disconnect());
  // Each worker re-seeds what it admitted: the fresh shard holds the instance's 10.
  await until(async () => {
    const keys = await direct.keys('skj:sw:*');
    if (keys.length !== 1) return false;
    return Number(await direct.hget(keys[0]!, 'c')) === 10;
  }, 'the 10 fallback admissions re-seeded into Redis', 30_000);
  await until(async () => (await metric(s.support, /^skipjack_swarm_redis_fallback\{[^}]*\} (\d+)/)) === 0, 'both workers back on Redis', 30_000);
  const after = await statuses(s.base + '/', 6);
  assert.deepEqual(after, [429, 429, 429, 429, 429, 429], 'no burst of admissions when Redis returns');
});

function ingress(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'app', namespace: 'default',
      annotations: { 'zalando.org/skipper-filter': 'clusterClientRatelimit("login", 10, "1h")' },
    },
    spec: { rules: [{ host: 'app.example.org', http: { paths: [{ backend: { service: { name: 'app-svc', port: { number: 80 } } }, pathType: 'ImplementationSpecific' }] } }] },
  } as unknown as KubeObject;
}

test('-kubernetes-redis-service-* with -workers 2: the primary watches the Service, every worker follows its endpoints', { timeout: 120_000 }, async (t) => {
  const [r1, r2] = await Promise.all([startRedis(), startRedis()]);
  t.after(() => Promise.all([r1.stop(), r2.stop()]));
  const b = await startBackend(t, (_req, res) => res.end('app'));
  const port = Number(new URL(b.url).port);
  const api = await KubeApiServer.start([
    service('app-svc', 'default', 80, port),
    endpoints('app-svc', ['127.0.0.1'], 'default', port),
    service('redis', 'swarm', r1.port, r1.port),
    endpoints('redis', ['127.0.0.1'], 'swarm', r1.port),
    ingress(),
  ]);
  t.after(() => api.stop());
  const s = await startSkipjack(t, [
    ...quiet, '-kubernetes', `-kubernetes-url=${api.url}`, '-enable-ratelimits', '-enable-swarm', '-swarm-redis-read-timeout=2s',
    '-kubernetes-redis-service-namespace=swarm', '-kubernetes-redis-service-name=redis', // 0: every port of the Service's endpoints (each redis-server has its own ephemeral port)
    '-kubernetes-redis-service-port=0',
  ], { workers: 2, command: builtCommand() });
  const h = (client: string) => ({ host: 'app.example.org', 'x-forwarded-for': client });
  await until(async () => (await get(s.base + '/', h('192.0.2.1'))) === 200, 'the app routes', 30_000);
  await until(async () => (await metric(s.support, /^skipjack_swarm_redis_shards (\d+)/)) >= 1, 'the shard list in the workers', 30_000);

  const first = await statuses(s.base + '/', 30, h('198.51.100.7'));
  assert.equal(count(first, 200), 10, JSON.stringify(first));
  assert.equal(await metric(s.support, /^skipjack_swarm_ratelimit_decisions_total\{[^}]*source="fallback"[^}]*\} (\d+)/), 0, 'every decision on the Service\'s Redis');

  // The Service's endpoint moves to the second server: both workers switch to it.
  api.store.apply(endpoints('redis', ['127.0.0.1'], 'swarm', r2.port));
  const direct = new Redis({ port: r2.port, host: '127.0.0.1', lazyConnect: true });
  direct.on('error', () => {});
  await direct.connect();
  t.after(() => direct.disconnect());
  await until(async () => {
    await get(s.base + '/', h('203.0.113.9'));
    return (await direct.keys('skj:sw:*')).length > 0;
  }, 'decisions on the second shard', 30_000);
  await until(async () => (s.stderr().match(new RegExp(`swarm Redis shards updated[^\\n]*${r2.port}`, 'g'))?.length ?? 0) >= 2, 'both workers on the new list', 30_000);
  assert.doesNotMatch(s.stderr(), /-kubernetes-redis-service-name: with -workers/);
});
