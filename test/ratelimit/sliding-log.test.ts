import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SlidingLog } from '../../src/ratelimit/sliding-log.ts';
import { InProcessLimiter } from '../../src/ratelimit/instance-limiter.ts';

test('a key admits maxHits in any window, then refuses until its oldest hit leaves the window', () => {
  const log = new SlidingLog(3, 1000);
  for (const t of [0, 100, 200]) assert.equal(log.allow('a', t).allowed, true, `hit at ${t}`);
  const refused = log.allow('a', 300);
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterMs, 700, 'the hit at 0 leaves at 1000');
  assert.equal(log.allow('a', 999).allowed, false);
  assert.equal(log.allow('a', 1000).allowed, true, 'the hit at 0 has left');
  assert.equal(log.allow('a', 1050).allowed, false, 'hits at 100, 200, 1000 still count');
  assert.equal(log.allow('a', 1100).allowed, true);
  assert.equal(log.count('a', 1100), 3);
});

test('refused hits are not counted; keys are independent', () => {
  const log = new SlidingLog(1, 1000);
  assert.equal(log.allow('a', 0).allowed, true);
  for (let t = 1; t < 1000; t += 100) assert.equal(log.allow('a', t).allowed, false);
  assert.equal(log.allow('a', 1000).allowed, true, 'the refusals did not extend the wait');
  assert.equal(log.allow('b', 500).allowed, true);
});

test('keys idle for a whole window are forgotten', () => {
  const log = new SlidingLog(2, 1000);
  for (let i = 0; i < 100; i++) log.allow(`client-${i}`, 0);
  assert.equal(log.size, 100);
  log.allow('late', 5000);
  assert.equal(log.size, 1);
});

test('InProcessLimiter: equal bucket ids share the log, other ids do not', () => {
  let now = 0;
  const l = new InProcessLimiter(() => now);
  const a = { id: 'a', maxHits: 2, windowMs: 60_000 };
  assert.equal(l.allow(a, '').allowed, true);
  assert.equal(l.allow({ ...a }, '').allowed, true);
  assert.equal(l.allow(a, '').allowed, false);
  assert.equal(l.allow({ ...a, id: 'b' }, '').allowed, true);
  now = 60_000;
  assert.equal(l.allow(a, '').allowed, true);
});

test('above 64 per window: bounded memory, a hit counts for the whole window and at most one slot longer', () => {
  const log = new SlidingLog(100, 6400); // slots of 100 ms
  for (let i = 0; i < 100; i++) assert.equal(log.allow('k', 50).allowed, true);
  const r = log.allow('k', 60);
  assert.equal(r.allowed, false);
  assert.equal(r.retryAfterMs, 6500 - 60, 'the slot of t=50 leaves at 6500');
  assert.equal(log.allow('k', 6449).allowed, false, 'inside the window of the first hits');
  assert.equal(log.allow('k', 6499).allowed, false, 'one slot late at most');
  assert.equal(log.allow('k', 6500).allowed, true);
});

test('property: no window of windowMs ever holds more than maxHits admitted hits, exact or slotted', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 150 }), fc.integer({ min: 10, max: 5000 }),
    fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 600 }),
    (maxHits, windowMs, gaps) => {
      const log = new SlidingLog(maxHits, windowMs);
      const admitted: number[] = [];
      let now = 0;
      for (const g of gaps) {
        now += g;
        if (log.allow('k', now).allowed) admitted.push(now);
      }
      // Every admitted hit starts a window; count the hits inside it.
      let j = 0;
      for (let i = 0; i < admitted.length; i++) {
        while (admitted[j]! < admitted[i]! - windowMs + 1) j++;
        if (i - j + 1 > maxHits) return false;
      }
      return true;
    },
  ), { numRuns: 300 });
});
