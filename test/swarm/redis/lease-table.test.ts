/** The lease table without Redis: sizing by demand, the window end, the bound on tracked keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LimitSettings } from '../../../src/ratelimit/ports.ts';
import { LeaseTable, type Lease } from '../../../swarm/redis/lease.ts';
import type { RedisShard } from '../../../swarm/redis/redis-shard.ts';

const limit: LimitSettings = { group: 'g', maxHits: 10, windowMs: 3_600_000 };
const shard = { available: () => true } as unknown as RedisShard;

function table(maxEntries = 10) {
  const released: [Lease, number][] = [];
  return { released, t: new LeaseTable({ lifetimeMs: 200, k: 4, maxEntries }, (l, n) => void released.push([l, n])) };
}

test('sized by demand over one lifetime: a client asking a few times is not leased, steady traffic is', () => {
  const { t } = table();
  const slow = t.track('slow', limit, 'slow', 0)!;
  for (let i = 0; i < 3; i++) t.take(slow, i * 1000);
  assert.equal(t.wanted(slow, 3000), 0, '3 hits in 3 s: under 2 per 200 ms');
  const busy = t.track('busy', limit, 'busy', 0)!;
  for (let i = 0; i < 50; i++) t.take(busy, 30);
  assert.equal(t.wanted(busy, 40), 0, 'the first run is no rate, however many it decides');
  for (let i = 0; i < 10; i++) t.take(busy, 41);
  assert.equal(t.wanted(busy, 45), 0, 'no reservation before the first sample is 20 ms long');
  for (let i = 0; i < 10; i++) t.take(busy, 70);
  assert.equal(t.wanted(busy, 80), 100, '20 hits in 40 ms: 100 per 200 ms');
});

test('a lease ends at its lifetime or at the end of the store window it was counted in, whichever is first', () => {
  const { t, released } = table();
  const l = t.track('k', limit, 'k', 0)!;
  t.grant(l, shard, 5, 7, 100, 50, 101);
  assert.equal(t.take(l, 149), true);
  assert.equal(t.take(l, 150), false, 'the window ended at 150');
  assert.deepEqual(released.map(([, n]) => n), [4]);
  t.grant(l, shard, 5, 8, 200, 1e9, 201);
  t.grant(l, shard, 3, 8, 300, 1e9, 301);
  assert.equal(l.left, 8, 'a live lease of the same window is topped up');
  t.grant(l, shard, 2, 9, 400, 1e9, 401);
  assert.equal(l.left, 2, 'a lease of another window is released first');
  assert.deepEqual(released.map(([, n]) => n), [4, 8]);
  // a slow answer (sent at 1000, answered at 1500): the lifetime counts from the answer
  t.grant(l, shard, 3, 9, 1000, 1e9, 1500);
  assert.equal(t.take(l, 1650), true);
  assert.equal(t.take(l, 1700), false);
});

test('bounded: beyond maxEntries keys are not tracked', () => {
  const { t } = table(3);
  for (const k of ['a', 'b', 'c']) assert.ok(t.track(k, limit, k, 0));
  assert.equal(t.track('d', limit, 'd', 0), undefined);
  assert.equal(t.size, 3);
});
