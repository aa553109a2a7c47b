import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalFallbackLimiter } from '../../../swarm/redis/local-fallback.ts';
import { swarmLimiterCompliance } from '../../support/swarm-limiter-compliance.ts';

swarmLimiterCompliance('local fallback', async () => {
  const local = new LocalFallbackLimiter(() => 1);
  return { limiter: { allow: async (limit, key) => local.allow(limit, key) }, close: async () => {} };
});

test('the fallback admits this instance’s share: maxHits ÷ live members', () => {
  let members = 4;
  let now = 1_000_000;
  const l = new LocalFallbackLimiter(() => members, () => now);
  const limit = { group: 'g', maxHits: 20, windowMs: 1000 };
  const admitted = () => Array.from({ length: 30 }, () => l.allow(limit, 'k')).filter((d) => d.allowed).length;
  assert.equal(admitted(), 5);
  members = 2;
  now += 2000; // two windows later: nothing carried over
  assert.equal(admitted(), 10);
  members = 0; // never divides by zero: at least this instance counts
  now += 2000;
  assert.equal(admitted(), 20);
});

test('the sliding window weights the previous window', () => {
  let now = 10_000;
  const l = new LocalFallbackLimiter(() => 1, () => now);
  const limit = { group: 'g', maxHits: 10, windowMs: 1000 };
  for (let i = 0; i < 10; i++) assert.equal(l.allow(limit, 'k').allowed, true);
  const refused = l.allow(limit, 'k');
  assert.equal(refused.allowed, false);
  // next window, a quarter in: the previous 10 still weigh 7.5, so 2 more fit
  now = 11_250;
  assert.equal([1, 2, 3].map(() => l.allow(limit, 'k').allowed).join(), 'true,true,false');
});

test('the fallback leaky bucket leaks at this instance’s share of the rate', () => {
  let now = 0;
  const l = new LocalFallbackLimiter(() => 2, () => now);
  const bucket = { capacity: 3, emissionMs: 100 };
  assert.deepEqual([1, 2, 3, 4].map(() => l.add(bucket, 'b', 1).allowed), [true, true, true, false]);
  const d = l.add(bucket, 'b', 1);
  // one unit leaks every 100 ms × 2 members
  assert.equal(d.retryAfterMs, 200);
  now = 200;
  assert.equal(l.add(bucket, 'b', 1).allowed, true);
});
