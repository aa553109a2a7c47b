import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createRedisStoreMetrics } from '../../../swarm/redis/metrics.ts';
import type { LimitSettings } from '../../../src/ratelimit/ports.ts';
import { RedisSwarmLimiter, slidingWindowKey } from '../../../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { startRedis } from '../../support/redis-server.ts';
import { swarmLimiterCompliance } from '../../support/swarm-limiter-compliance.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

async function instance(urls: string[], more: Parameters<typeof storeOptions>[1] = {}, members = () => 1) {
  const log = recordingLogger();
  const registry = new Registry();
  const metrics = createRedisStoreMetrics(registry);
  const ring = new RedisShardRing(storeOptions(urls, more), { log, metrics });
  await ring.start();
  return { ring, log, registry, limiter: new RedisSwarmLimiter({ ring, members, metrics }) };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (m?.values as { labels: Record<string, string | number>; value: number }[] | undefined)?.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

// An hour-long window: the burst below never straddles a window boundary (the test takes well under 1 s of 3600).
const hour = (group: string, maxHits: number): LimitSettings => ({ group, maxHits, windowMs: 3_600_000 });

test('three instances × 200 concurrent decisions admit exactly the limit', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const instances = await Promise.all([1, 2, 3].map(() => instance([redis.address])));
  t.after(() => Promise.all(instances.map((i) => i.ring.stop())));
  await waitFor('all connected', () => instances.every((i) => i.ring.connected()));
  const limit = hour('login', 100);
  const decisions = await Promise.all(instances.flatMap((i) => Array.from({ length: 200 }, () => i.limiter.allow(limit, '10.0.0.1', false))));
  assert.equal(decisions.filter((d) => d.allowed).length, 100);
  assert.ok(decisions.every((d) => d.source === 'store'));
  const refused = decisions.find((d) => !d.allowed)!;
  assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 3_600_000 * 2);
  // another client key has its own count
  assert.equal((await instances[0]!.limiter.allow(limit, '10.0.0.2', false)).allowed, true);
  assert.equal(await instances[1]!.limiter.count(limit, '10.0.0.1'), 100);
});

test('leaky bucket: capacity, increment and retry as in Skipper', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const a = await instance([redis.address]);
  const b = await instance([redis.address]);
  t.after(() => Promise.all([a.ring.stop(), b.ring.stop()]));
  await waitFor('connected', () => a.ring.connected() && b.ring.connected());
  const bucket = { capacity: 10, emissionMs: 60_000 };
  const ds = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).limiter.add(bucket, 'auth-x', 2, false)));
  assert.equal(ds.filter((d) => d.allowed).length, 5);
  const refused = ds.find((d) => !d.allowed)!;
  // full bucket: 2 units must leak, each takes a minute
  assert.ok(refused.retryAfterMs > 60_000 && refused.retryAfterMs <= 120_000, String(refused.retryAfterMs));
  assert.deepEqual(await a.limiter.add(bucket, 'auth-x', 11, false), { allowed: false, retryAfterMs: 0, source: 'store' });
});

test('SIGKILLed Redis: decisions fall back without a timeout; back on Redis after a restart', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  // Timeouts far above any fallback path: a decision that waited for one would stand out in the error kinds.
  const { ring, limiter, log, registry } = await instance([redis.address], { readTimeoutMs: 5000, writeTimeoutMs: 5000 }, () => 2);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('outage', 10);
  assert.equal((await limiter.allow(limit, 'k', false)).source, 'store');

  // Load runs through the kill: every decision is answered, by the store or the fallback.
  let stop = false;
  const sources = new Set<string>();
  const load = (async () => {
    for (let i = 0; i < 20_000 && !stop; i++) {
      const ds = await Promise.all(Array.from({ length: 20 }, () => limiter.allow(limit, `c${i % 50}`, false)));
      for (const d of ds) sources.add(d.source);
      await new Promise((r) => setImmediate(r));
    }
  })();
  await redis.kill('SIGKILL');
  await waitFor('fallback decisions', async () => (await limiter.allow(limit, 'k2', false)).source === 'fallback');
  // fallback share: 10 ÷ 2 members = 5 per window on this instance
  const local = await Promise.all(Array.from({ length: 8 }, () => limiter.allow(limit, 'fresh', false)));
  assert.equal(local.filter((d) => d.allowed).length, 5);
  assert.ok(local.every((d) => d.source === 'fallback'));
  assert.equal((await limiter.allow(limit, 'fresh', true)).source, 'fail-closed');

  await redis.restart();
  await waitFor('store decisions again', async () => (await limiter.allow(limit, 'k3', false)).source === 'store');
  stop = true;
  await load;
  assert.ok(sources.has('fallback'));
  assert.equal(await metric(registry, 'skipjack_swarm_redis_errors_total', { kind: 'timeout' }), 0, 'no decision waited for a timeout');
  assert.ok((await metric(registry, 'skipjack_swarm_ratelimit_decisions_total', { source: 'fallback', outcome: 'allowed' })) > 0);
  assert.ok((await metric(registry, 'skipjack_swarm_ratelimit_decisions_total', { source: 'store', outcome: 'allowed' })) > 0);
  assert.equal(await metric(registry, 'skipjack_swarm_redis_fallback', { shard: redis.address }), 0);
  const warns = log.lines.filter((l) => l.level === 'warn' && l.msg.includes('unreachable'));
  assert.equal(warns.length, 1, 'the outage is logged once');
  assert.equal(log.lines.filter((l) => l.msg.includes('reachable: rate limit decisions use it')).length, 2, 'first connect and return');
});

test('failClosed refuses while Redis is away', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter } = await instance([redis.address]);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  await redis.kill('SIGKILL');
  await waitFor('breaker open', () => !ring.shards()[0]!.available());
  const d = await limiter.allow(hour('fc', 1000), 'k', true);
  assert.deepEqual({ allowed: d.allowed, source: d.source }, { allowed: false, source: 'fail-closed' });
  assert.ok(d.retryAfterMs > 0);
  const lb = await limiter.add({ capacity: 5, emissionMs: 1000 }, 'x', 1, true);
  assert.equal(lb.source, 'fail-closed');
});

test('password and ACL user authentication', async (t) => {
  const redis = await startRedis({ password: 's3cret', user: { name: 'skj', password: 'u-pass' } });
  t.after(() => redis.stop());
  const withPassword = await instance([redis.address], { password: 's3cret' });
  const withUrlUser = await instance([`redis://skj:u-pass@${redis.address}`]);
  const wrong = await instance([redis.address], { password: 'nope' });
  t.after(() => Promise.all([withPassword.ring.stop(), withUrlUser.ring.stop(), wrong.ring.stop()]));
  await waitFor('authenticated', () => withPassword.ring.connected() && withUrlUser.ring.connected());
  assert.equal((await withPassword.limiter.allow(hour('auth', 5), 'k', false)).source, 'store');
  assert.equal((await withUrlUser.limiter.allow(hour('auth', 5), 'k', false)).source, 'store');
  assert.equal(await withUrlUser.limiter.count(hour('auth', 5), 'k'), 2);
  assert.equal(wrong.ring.connected(), false);
  const warn = wrong.log.lines.find((l) => l.level === 'warn');
  assert.match(String(warn?.fields?.error), /WRONGPASS|invalid username-password/);
  assert.equal((await wrong.limiter.allow(hour('auth', 5), 'k', false)).source, 'fallback');
  const direct = new Redis({ port: redis.port, host: '127.0.0.1', password: 's3cret', lazyConnect: true });
  await direct.connect();
  t.after(() => direct.quit());
  assert.deepEqual(await direct.keys('skj:sw:*'), [slidingWindowKey(hour('auth', 5), 'k')], 'one hash per key: O(1) memory');
});

test('hung Redis (SIGSTOP): the breaker opens, decisions fall back; SIGCONT brings them back', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter, log } = await instance([redis.address], { readTimeoutMs: 100, writeTimeoutMs: 100, heartbeatMs: 50 });
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('hang', 1000);
  assert.equal((await limiter.allow(limit, 'k', false)).source, 'store');
  redis.signal('SIGSTOP');
  await waitFor('breaker open', () => !ring.shards()[0]!.available());
  const ds = await Promise.all(Array.from({ length: 50 }, () => limiter.allow(limit, 'k', false)));
  assert.ok(ds.every((d) => d.source === 'fallback' && d.allowed));
  redis.signal('SIGCONT');
  await waitFor('store decisions again', async () => (await limiter.allow(limit, 'k', false)).source === 'store');
  assert.equal(log.lines.filter((l) => l.level === 'warn').length, 1);
});

swarmLimiterCompliance('redis', async () => {
  const redis = await startRedis();
  const { ring, limiter } = await instance([redis.address]);
  await waitFor('connected', () => ring.connected());
  return {
    limiter,
    close: async () => {
      await ring.stop();
      await redis.stop();
    },
  };
});

test('with a fallback limiter (gossip), decisions go to it while Redis is away', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const log = recordingLogger();
  const ring = new RedisShardRing(storeOptions([redis.address]), { log });
  await ring.start();
  t.after(() => ring.stop());
  const asked: string[] = [];
  const gossip = {
    allow: async (limit: LimitSettings, key: string) => {
      asked.push(`${limit.group}/${key}`);
      return { allowed: true, retryAfterMs: 0, source: 'gossip' as const };
    },
  };
  const limiter = new RedisSwarmLimiter({ ring, members: () => 1, fallback: gossip });
  await waitFor('connected', () => ring.connected());
  assert.equal((await limiter.allow(hour('g', 5), 'a', false)).source, 'store');
  await redis.kill('SIGKILL');
  await waitFor('breaker open', () => !ring.shards()[0]!.available());
  assert.equal((await limiter.allow(hour('g', 5), 'b', false)).source, 'gossip');
  assert.equal((await limiter.allow(hour('g', 5), 'c', true)).source, 'fail-closed', 'failClosed wins over the fallback');
  assert.deepEqual(asked, ['g/b']);
});

test('concurrent decisions for one key are coalesced into one script run that admits exactly as many as single runs', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter } = await instance([redis.address]);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const direct = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await direct.connect();
  t.after(() => direct.quit());
  await direct.config('RESETSTAT');
  const limit = hour('coalesce', 20);
  const ds = await Promise.all(Array.from({ length: 50 }, () => limiter.allow(limit, 'one-key', false)));
  // first come, first admitted
  assert.deepEqual(ds.map((d) => d.allowed), [...Array.from({ length: 20 }, () => true), ...Array.from({ length: 30 }, () => false)]);
  assert.ok(ds.every((d) => d.source === 'store'));
  assert.ok(ds.slice(20).every((d) => d.retryAfterMs > 0));
  const calls = Number(/cmdstat_evalsha:calls=(\d+)/.exec(await direct.info('commandstats'))?.[1] ?? 0);
  assert.equal(calls, 1, 'one script run for the 50 decisions');
  assert.equal(await limiter.count(limit, 'one-key'), 20);
  assert.equal(limiter.shadow.take(() => true, true)[0]?.cur, 20, 'the shadow counts the coalesced admissions');
});
