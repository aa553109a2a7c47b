import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdmissionShadow } from '../../../swarm/redis/admission-shadow.ts';

const W = 1000;

test('counts per key in the current and previous window; the fallback part apart', () => {
  let now = 10 * W + 100;
  const s = new AdmissionShadow(() => now);
  for (let i = 0; i < 3; i++) s.admitted('a', W, false);
  s.admitted('a', W, true);
  s.admitted('b', W, true);
  assert.deepEqual(s.take(() => true, true), [
    { key: 'a', windowMs: W, idx: 10, cur: 4, prev: 0 },
    { key: 'b', windowMs: W, idx: 10, cur: 1, prev: 0 },
  ]);
  // taken fallback counts are cleared; the next window rolls the count into prev
  assert.deepEqual(s.take(() => true, false), []);
  now += W;
  s.admitted('a', W, true);
  assert.deepEqual(s.take((k) => k === 'a', true), [{ key: 'a', windowMs: W, idx: 11, cur: 1, prev: 4 }]);
  // two windows later nothing of window 10 is left
  now += 2 * W;
  s.admitted('a', W, true);
  assert.deepEqual(s.take((k) => k === 'a', true), [{ key: 'a', windowMs: W, idx: 13, cur: 1, prev: 0 }]);
});

test('windows on the shard clock: the offset of the last answer moves them', () => {
  const s = new AdmissionShadow(() => 5 * W + 900);
  s.observeStoreTime(6 * W + 50);
  s.admitted('a', W, false);
  assert.equal(s.take(() => true, true)[0]!.idx, 6);
});

test('bounded: beyond the cap new keys are not shadowed; idle keys are swept', () => {
  let now = 0;
  const s = new AdmissionShadow(() => now, 3);
  for (const k of ['a', 'b', 'c', 'd']) s.admitted(k, W, true);
  assert.equal(s.size, 3);
  now = 5 * W;
  for (let i = 0; i < 4096; i++) s.admitted('a', W, false);
  assert.equal(s.size, 1);
});

test('released reservations come out of the window they were counted in', () => {
  let now = 10 * W + 100;
  const s = new AdmissionShadow(() => now);
  s.admitted('a', W, false, 10);
  s.released('a', W, 10, 4);
  assert.equal(s.take(() => true, true)[0]!.cur, 6);
  now += W;
  s.released('a', W, 10, 2);
  assert.deepEqual(s.take(() => true, true), [{ key: 'a', windowMs: W, idx: 11, cur: 0, prev: 4 }]);
});
