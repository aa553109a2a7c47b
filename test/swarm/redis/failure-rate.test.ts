import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureRate } from '../../../swarm/redis/failure-rate.ts';

test('opens at half of at least 3 calls failed within the last second, as opossum did', () => {
  const r = new FailureRate();
  assert.equal(r.record(1000, true), false, '1 call: below the volume');
  assert.equal(r.record(1010, true), false, '2 calls: below the volume');
  assert.equal(r.record(1020, true), true);
  const s = new FailureRate();
  for (let t = 0; t < 4; t++) s.record(2000 + t, false);
  assert.equal(s.record(2010, true), false, '1 of 5');
  assert.equal(s.record(2020, true), false, '2 of 6');
  assert.equal(s.record(2030, true), false, '3 of 7');
  assert.equal(s.record(2040, true), true, '4 of 8');
});

test('calls older than a second are forgotten, and reset forgets all', () => {
  const r = new FailureRate();
  r.record(5000, true);
  r.record(5050, true);
  assert.equal(r.record(6100, true), false, 'the two earlier failures slid out');
  r.record(6110, true);
  r.reset();
  assert.equal(r.record(6120, true), false);
});
