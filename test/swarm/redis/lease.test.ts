/**
 * Leases (swarm/redis/lease.ts) over a real redis-server: reserved hits are counted in Redis when reserved, so
 * instances sharing a key never admit more than the limit; a reservation takes a share of the headroom and
 * none near the limit, where every decision is a store decision again; unused hits are given back; a lease
 * held when Redis dies is still used, and the re-seed restores the reservation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { LimitSettings } from '../../../src/ratelimit/ports.ts';
import { leaseId, type LeaseOptions } from '../../../swarm/redis/lease.ts';
import { RedisSwarmLimiter, slidingWindowKey } from '../../../swarm/redis/redis-limiter.ts';
import { RedisShardRing } from '../../../swarm/redis/shard-ring.ts';
import { startRedis, type RedisServer } from '../../support/redis-server.ts';
import { waitFor } from '../../support/wait.ts';
import { recordingLogger, storeOptions } from './helpers.ts';

// An hour-long window: no test below straddles a window boundary except by a tiny chance.
const hour = (group: string, maxHits: number): LimitSettings => ({ group, maxHits, windowMs: 3_600_000 });
// Long enough that no lease below expires while the test looks at it.
const LONG: Partial<LeaseOptions> = { lifetimeMs: 60_000 };

async function instance(url: string, members: number, lease: Partial<LeaseOptions> = {}) {
  const ring = new RedisShardRing(storeOptions([url]), { log: recordingLogger() });
  await ring.start();
  return { ring, limiter: new RedisSwarmLimiter({ ring, members: () => members, lease }) };
}

async function client(redis: RedisServer, t: { after(fn: () => unknown): void }): Promise<Redis> {
  const c = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await c.connect();
  t.after(() => c.quit());
  return c;
}

/** The current window's count in Redis, read without a script. */
async function stored(c: Redis, limit: LimitSettings, key: string): Promise<number> {
  return Number((await c.hget(slidingWindowKey(limit, key), 'c')) ?? 0);
}

async function scriptRuns(c: Redis): Promise<number> {
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(await c.info('commandstats'))?.[1] ?? 0);
}

interface Tally {
  admitted: number;
}

/** Rounds of `n` concurrent decisions, one event-loop turn apart, until `done`; counts the admitted ones. */
async function load(
  l: RedisSwarmLimiter, limit: LimitSettings, key: string, n: number, done: (allRefused: boolean, admitted: number) => boolean | Promise<boolean>, tally: Tally = { admitted: 0 },
): Promise<Tally> {
  for (let round = 0; round < 1_000_000; round++) {
    const ds = await Promise.all(Array.from({ length: n }, () => l.allow(limit, key, false)));
    const ok = ds.filter((d) => d.allowed).length;
    tally.admitted += ok;
    if (await done(ok === 0, tally.admitted)) return tally;
    await turn();
  }
  throw new Error('load did not finish');
}

/** No reservation of `key` in flight: what Redis counts for it is admitted or held. */
function settled(l: RedisSwarmLimiter, limit: LimitSettings, key: string): boolean {
  return l.leases?.get(leaseId(limit, slidingWindowKey(limit, key)))?.reserving !== true;
}

/** Until a round is refused whole and this instance holds no reserved hit: it has taken all it can. */
const drained = (l: RedisSwarmLimiter, limit: LimitSettings, key: string) => (allRefused: boolean) => allRefused && l.leased(limit, key) === 0;

test('three instances with leases on one key admit exactly the limit, with far fewer store calls than decisions', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const c = await client(redis, t);
  const xs = await Promise.all([1, 2, 3].map(() => instance(redis.address, 3)));
  t.after(() => Promise.all(xs.map((x) => x.ring.stop())));
  await waitFor('connected', () => xs.every((x) => x.ring.connected()));
  const limit = hour('lease-three', 3000);
  const calls0 = await scriptRuns(c);
  const tallies = await Promise.all(xs.map((x) => load(x.limiter, limit, 'k', 4, drained(x.limiter, limit, 'k'))));
  const admitted = tallies.reduce((s, x) => s + x.admitted, 0);
  assert.equal(admitted, 3000, `admitted ${tallies.map((x) => x.admitted).join(' + ')}`);
  assert.equal(await stored(c, limit, 'k'), 3000, 'no reserved hit left over');
  // Without leases every round of 4 is one script run per instance: at least 750.
  const calls = (await scriptRuns(c)) - calls0;
  assert.ok(calls <= 300, `${calls} script runs for 3000 admissions`);
});

test('a lease takes a share of the headroom: another instance still gets the rest, the holder its lease', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const c = await client(redis, t);
  const a = await instance(redis.address, 3, LONG);
  const b = await instance(redis.address, 3, LONG);
  t.after(() => Promise.all([a.ring.stop(), b.ring.stop()]));
  await waitFor('connected', () => a.ring.connected() && b.ring.connected());
  const limit = hour('lease-share', 1200);
  const ta = await load(a.limiter, limit, 'k', 4, (_, admitted) => admitted >= 600 && a.limiter.leased(limit, 'k') > 0);
  await waitFor('no reservation in flight', () => settled(a.limiter, limit, 'k'));
  assert.equal(await stored(c, limit, 'k'), ta.admitted + a.limiter.leased(limit, 'k'), 'Redis counts what A admitted and what it holds');
  const held = a.limiter.leased(limit, 'k');
  // Uncapped, the lease (demand over 60 s) would take all of the headroom.
  assert.ok(held <= (1200 - ta.admitted) / 4, `A holds ${held} of the ${1200 - ta.admitted} left`);
  const tb = await load(b.limiter, limit, 'k', 4, drained(b.limiter, limit, 'k'));
  assert.equal(tb.admitted, 1200 - ta.admitted - held, 'B gets all but what A holds');
  const before = ta.admitted;
  await load(a.limiter, limit, 'k', 4, drained(a.limiter, limit, 'k'), ta);
  assert.equal(ta.admitted - before, held, 'A admits what it held, from its lease');
  assert.equal(ta.admitted + tb.admitted, 1200);
});

test('near the limit there are no leases: every decision is its own store decision', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const c = await client(redis, t);
  const { ring, limiter } = await instance(redis.address, 3, LONG);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('lease-near', 600);
  await load(limiter, limit, 'k', 4, async () => 600 - (await stored(c, limit, 'k')) < 12);
  // use up what is held (one decision each, from the lease)
  let admitted = 0;
  while (limiter.leased(limit, 'k') > 0) assert.equal((await limiter.allow(limit, 'k', false)).allowed, true);
  await waitFor('no reservation in flight', () => settled(limiter, limit, 'k'));
  assert.equal(limiter.leased(limit, 'k'), 0);
  const headroom = 600 - (await stored(c, limit, 'k'));
  assert.ok(headroom > 0 && headroom < 12, String(headroom));
  const calls0 = await scriptRuns(c);
  let decisions = 0;
  for (;;) {
    decisions++;
    if (!(await limiter.allow(limit, 'k', false)).allowed) break;
    admitted++;
    assert.equal(limiter.leased(limit, 'k'), 0, 'nothing reserved below members × k of headroom');
  }
  assert.equal(admitted, headroom);
  assert.equal((await scriptRuns(c)) - calls0, decisions, 'one script run per decision');
  assert.equal(await stored(c, limit, 'k'), 600);
});

test('unused reserved hits are given back when the lease ends, in Redis and in the shadow', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const c = await client(redis, t);
  const { ring, limiter } = await instance(redis.address, 1, { lifetimeMs: 100 });
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('lease-back', 100_000);
  const tally = await load(limiter, limit, 'k', 4, () => limiter.leased(limit, 'k') >= 8);
  await waitFor('no reservation in flight', () => settled(limiter, limit, 'k'));
  assert.ok((await stored(c, limit, 'k')) > tally.admitted, 'reserved hits are counted in Redis');
  await waitFor('given back', async () => (await stored(c, limit, 'k')) === tally.admitted);
  assert.equal(limiter.leased(limit, 'k'), 0);
  assert.equal(limiter.shadow.take(() => true, true)[0]?.cur, tally.admitted, 'the shadow holds the admissions only');
});

test('Redis killed while a lease is held: decisions fall back at once; the re-seed restores the reservation; the lease is used again after the return', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const { ring, limiter } = await instance(redis.address, 1, LONG);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('lease-kill', 100_000);
  const c = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
  await c.connect();
  const tally = await load(limiter, limit, 'k', 4, () => limiter.leased(limit, 'k') >= 4);
  await waitFor('no reservation in flight', () => settled(limiter, limit, 'k'));
  const held = limiter.leased(limit, 'k');
  const counted = await stored(c, limit, 'k');
  assert.equal(counted, tally.admitted + held);
  c.disconnect();
  await redis.kill('SIGKILL');
  await waitFor('breaker open', () => !ring.shards()[0]!.available());
  for (let i = 0; i < 3; i++) assert.deepEqual(await limiter.allow(limit, 'k', false), { allowed: true, retryAfterMs: 0, source: 'fallback' });
  assert.equal(limiter.leased(limit, 'k'), held, 'not used while the shard is away');

  await redis.restart();
  await waitFor('back', () => ring.connected());
  const d = await client(redis, t);
  // the restarted shard gets every reserved hit (used or not) and the fallback's admissions
  assert.equal(await stored(d, limit, 'k'), counted + 3);
  assert.equal((await limiter.allow(limit, 'k', false)).source, 'store');
  assert.equal(limiter.leased(limit, 'k'), held - 1, 'the lease is used again');
});

test('a key asked once is not leased, however late its turn ends', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const c = await client(redis, t);
  const { ring, limiter } = await instance(redis.address, 1);
  t.after(() => ring.stop());
  await waitFor('connected', () => ring.connected());
  const limit = hour('lease-once', 1000);
  const d = limiter.allow(limit, 'client', false);
  // the turn ends well after a demand sample's 20 ms (a busy event loop)
  for (const end = performance.now() + 40; performance.now() < end;);
  assert.equal((await d).allowed, true);
  assert.equal(limiter.leased(limit, 'client'), 0);
  assert.equal(await stored(c, limit, 'client'), 1, 'one hit counted, none reserved');
});
