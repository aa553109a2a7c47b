/**
 * The share rules of the gossip leaky bucket on views built by hand: every member computing its share from the
 * same reports takes no more than the room together, a busy member beside idle ones takes all but their lazy
 * parts, and a refusal names a wait of at least a second while the room is only held in shares.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newBucket, refusalWaitMs, SHARE_MOVES_MS, takeShare, type Bucket } from '../../../swarm/gossip/leaky-bucket-view.ts';

const ids = ['10.0.0.1:9990', '10.0.0.2:9990', '10.0.0.3:9990', '10.0.0.4:9990', '10.0.0.5:9990'];

/** Member `self`'s view of a bucket whose members' last reports say `busy[i]`, `reserved[i]`, `demand[i]`. */
function view(self: number, n: number, level: number, busy: boolean[], reserved: number[], demand: number[], increment: number): Bucket {
  const b = newBucket('k', 12, 3_600_000, 0);
  b.level = level;
  b.increment = increment;
  b.busy = busy[self]!;
  b.reportedDemand = demand[self]!;
  for (let i = 0; i < n; i++) {
    if (i !== self) b.peers.set(ids[i]!, { epoch: i, added: 0, reserved: reserved[i]!, demand: demand[i]!, busy: busy[i]! });
  }
  return b;
}

test('members that compute from the same reports never take more than the free room together', () => {
  let seed = 7;
  const rnd = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % k);
  for (let trial = 0; trial < 2000; trial++) {
    const n = 2 + rnd(4);
    const inc = 1 + rnd(3);
    const level = rnd(13);
    const busy = Array.from({ length: n }, () => rnd(2) === 1);
    const demand = Array.from({ length: n }, () => rnd(50));
    // Reservations that fit: busy members hold parts of the room, idle ones nothing.
    let left = Math.max(0, 12 - level);
    const reserved = busy.map((bz) => {
      const r = bz ? Math.min(left, rnd(4) * inc) : 0;
      left -= r;
      return r;
    });
    const live = ids.slice(0, n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const b = view(i, n, level, busy, reserved, demand, inc);
      takeShare(b, 12, live, ids[i]!, !busy[i]);
      total += b.budget;
    }
    assert.ok(total <= Math.max(0, 12 - level), `trial ${trial}: shares ${total} > room ${12 - level} (n ${n}, inc ${inc}, busy ${busy})`);
  }
});

test('a busy member beside idle ones takes all the room but their lazy parts, and the last increments too', () => {
  const live = ids.slice(0, 3);
  const b = view(0, 3, 0, [true, false, false], [0, 0, 0], [10, 0, 0], 1);
  takeShare(b, 12, live, ids[0]!, false);
  assert.equal(b.budget, 12 - 2 * 4, 'each idle peer keeps its equal part of 12 among 3');
  const last = view(0, 3, 10, [true, false, false], [0, 0, 0], [10, 0, 0], 1);
  takeShare(last, 12, live, ids[0]!, false);
  assert.equal(last.budget, 2, 'two increments among three: no lazy part, the busy member takes both');
});

test('while all are idle, the lazy parts add up to the room: the odd increments go by the bucket\'s turns', () => {
  const live = ids.slice(0, 3);
  const parts = [0, 1, 2].map((i) => {
    const b = view(i, 3, 10, [false, false, false], [0, 0, 0], [0, 0, 0], 1);
    takeShare(b, 12, live, ids[i]!, true);
    return b.budget;
  });
  assert.equal(parts.reduce((a, x) => a + x, 0), 2, `lazy parts ${parts}`);
});

test('a refusal while the room is held in shares says a second; with the bucket full, the time until the increment fits', () => {
  const live = ids.slice(0, 2);
  const held = view(1, 2, 0, [true, false], [10, 0], [50, 0], 1);
  takeShare(held, 12, live, ids[1]!, true);
  assert.equal(refusalWaitMs(held, 1, 12, 3_600_000, live, ids[1]!) >= SHARE_MOVES_MS, true);
  const full = view(1, 2, 12, [true, false], [0, 0], [50, 0], 1);
  takeShare(full, 12, live, ids[1]!, true);
  assert.equal(refusalWaitMs(full, 1, 12, 3_600_000, live, ids[1]!), 3_600_000);
});
