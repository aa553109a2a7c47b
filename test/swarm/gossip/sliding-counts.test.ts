import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demand, emptyCounts, estimate, roll } from '../../../swarm/gossip/sliding-counts.ts';

test('sliding counts: the previous window weighs by the part still inside the sliding window', () => {
  const c = emptyCounts(10);
  c.cur = 8;
  c.dCur = 20;
  roll(c, 11);
  assert.deepEqual(c, { win: 11, cur: 0, prev: 8, dCur: 0, dPrev: 20 });
  c.cur = 2;
  assert.equal(estimate(c, 11, 0.25), 8 * 0.75 + 2);
  assert.equal(demand(c, 11, 0.5), 10);
  // Seen from the next window, this report's current window is the previous one.
  assert.equal(estimate(c, 12, 0.5), 1);
  assert.equal(estimate(c, 13, 0.5), 0);
  roll(c, 13);
  assert.deepEqual(c, { win: 13, cur: 0, prev: 0, dCur: 0, dPrev: 0 }, 'a skipped window leaves nothing');
  roll(c, 12);
  assert.equal(c.win, 13, 'never rolled back');
});
