/**
 * A shard that returns gets what the instances admitted while it was away — all of it when it came back
 * empty (new epoch), only the fallback's admissions when it kept its data — before it decides again: the
 * fleet's count on the shard equals the fleet's admissions, so its return neither bursts admissions nor
 * refusals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import type { LimitSettings, SwarmLimiter } from '../../../src/ratelimit/ports.ts';
import { RedisSwarmLimiter } from '../../../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { startRedis } from '../../support/redis-server.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

const hour = (group: string, maxHits: number): LimitSettings => ({ group, maxHits, windowMs: 3_600_000 });

/** A fallback that admits everything (the gossip limiter's role), so the test controls what it admits. */
const admitAll: SwarmLimiter = { allow: async () => ({ allowed: true, retryAfterMs: 0, source: 'gossip' }) };

async function instance(urls: string[], more: Parameters<typeof storeOptions>[1] = {}) {
  const log = recordingLogger();
  const ring = new RedisShardRing(storeOptions(urls, more), { log });
  await ring.start();
  return { ring, log, limiter: new RedisSwarmLimiter({ ring, members: () => 2, fallback: admitAll }) };
}

async function admit(l: RedisSwarmLimiter, limit: LimitSettings, key: string, n: number, source: string): Promise<void> {
  const ds = await Promise.all(Array.from({ length: n }, () => l.allow(limit, key, false)));
  assert.deepEqual(ds.map((d) => `${d.source}:${d.allowed}`), Array.from({ length: n }, () => `${source}:true`));
}

test('restarted empty: both instances re-seed everything they admitted this window', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const a = await instance([redis.address]);
  const b = await instance([redis.address]);
  t.after(() => Promise.all([a.ring.stop(), b.ring.stop()]));
  await waitFor('connected', () => a.ring.connected() && b.ring.connected());
  const limit = hour('restart', 20);
  await admit(a.limiter, limit, 'k', 4, 'store');
  await admit(b.limiter, limit, 'k', 3, 'store');
  await redis.kill('SIGKILL');
  await waitFor('fallback', () => !a.ring.shards()[0]!.available() && !b.ring.shards()[0]!.available());
  await admit(a.limiter, limit, 'k', 2, 'gossip');
  await admit(b.limiter, limit, 'k', 1, 'gossip');
  await redis.restart();
  await waitFor('both back', () => a.ring.connected() && b.ring.connected());
  assert.equal(await a.limiter.count(limit, 'k'), 10, '4 + 3 on Redis before, 2 + 1 on the fallback');
  // the rest of the limit, not more
  const ds = await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 ? a : b).limiter.allow(limit, 'k', false)));
  assert.equal(ds.filter((d) => d.allowed).length, 10);
  assert.ok(ds.every((d) => d.source === 'store'));
  assert.equal(a.log.lines.filter((l) => l.msg.includes('came back without its counts')).length, 1);
});

test('hung and resumed with its data: only the fallback admissions are added', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter, log } = await instance([redis.address], { readTimeoutMs: 100, writeTimeoutMs: 100, heartbeatMs: 50 });
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('hang', 20);
  await admit(limiter, limit, 'k', 5, 'store');
  redis.signal('SIGSTOP');
  await waitFor('breaker open', () => !ring.shards()[0]!.available());
  await admit(limiter, limit, 'k', 3, 'gossip');
  redis.signal('SIGCONT');
  await waitFor('back', () => ring.connected());
  assert.equal(await limiter.count(limit, 'k'), 8);
  assert.equal(log.lines.filter((l) => l.msg.includes('came back without its counts')).length, 0);
});

test('flushed under a live connection: the heartbeat notices the lost epoch and re-seeds', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter } = await instance([redis.address], { heartbeatMs: 50 });
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('flush', 20);
  await admit(limiter, limit, 'k', 6, 'store');
  const direct = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await direct.connect();
  t.after(() => direct.quit());
  await direct.flushall();
  await waitFor('epoch set again', async () => (await direct.get('skj:epoch')) !== null);
  await waitFor('re-seeded', () => ring.connected() && direct.dbsize().then((n) => n === 2));
  assert.equal(await limiter.count(limit, 'k'), 6);
});

test('a shard unreachable at start gets what the fallback admitted once it answers', async (t) => {
  const redis = await startRedis();
  await redis.kill('SIGKILL');
  t.after(() => redis.stop());
  const { ring, limiter } = await instance([redis.address]);
  t.after(() => ring.stop());
  const limit = hour('late', 20);
  await admit(limiter, limit, 'k', 4, 'gossip');
  await redis.restart();
  await waitFor('connected', () => ring.connected(), 15_000);
  assert.equal(await limiter.count(limit, 'k'), 4);
});
