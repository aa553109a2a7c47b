import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlatSegments } from '../../../../src/dataclients/kubernetes/convert/flat-segments.ts';
import { applyDelta } from '../../../../src/server/route-delta.ts';

test('flattening reuses the previous result and equals a plain concatenation after any segment edits', () => {
  const f = new FlatSegments<number>();
  let segs: number[][] = Array.from({ length: 50 }, (_, i) => [i * 10, i * 10 + 1]);
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  let prev = f.flatten(segs.length, (i) => segs[i]!);
  assert.deepEqual(prev, segs.flat());
  let changes = 0;
  for (let round = 0; round < 300; round++) {
    const next = segs.slice();
    const op = rnd(6);
    const at = rnd(next.length + 1);
    if (op === 0) next.splice(at, 0, Array.from({ length: round % 50 === 0 ? 5000 : rnd(3) }, () => 1000 + round));
    else if (op === 1 && next.length > 0) next.splice(Math.min(at, next.length - 1), 1);
    else if (op === 2 && next.length > 0) next[Math.min(at, next.length - 1)] = [2000 + round, 3000 + round];
    // Scattered replacements, of other lengths, a few or more than a patch is worth.
    else if (op === 4 || op === 5) for (let k = 0; k < (op === 4 ? 3 : 80); k++) next[rnd(next.length)] = Array.from({ length: rnd(4) }, (_, j) => 4000 + round * 10 + j);
    const before = prev.slice();
    const out = f.flatten(next.length, (i) => next[i]!);
    assert.deepEqual(out, next.flat(), `round ${round}`);
    assert.deepEqual(prev, before, 'the previous result is left as it was');
    // The recorded change turns the previous result into this one (what -workers' delta would send).
    const ch = f.lastChange;
    if (out !== prev && ch !== undefined) {
      changes++;
      assert.equal(ch.from, prev);
      assert.deepEqual(applyDelta(prev as never[], ch as never), out, `round ${round}: change`);
    }
    if (op === 3) assert.equal(out, prev, 'nothing changed: the same array');
    segs = next;
    prev = out;
  }
  assert.ok(changes > 150, `${changes} recorded changes checked`);
});

test('a changed piece costs one new array, filled from the previous result except for the changed region', () => {
  const f = new FlatSegments<number>();
  const segs: number[][] = Array.from({ length: 1000 }, (_, i) => [i * 10, i * 10 + 1]);
  f.flatten(segs.length, (i) => segs[i]!);
  const st = { ...f.stats };
  segs.splice(500, 0, [7, 8, 9]);
  const out = f.flatten(segs.length, (i) => segs[i]!);
  assert.deepEqual(out, segs.flat());
  assert.equal(f.stats.allocations - st.allocations, 1);
  assert.equal(f.stats.copiedFromSegments - st.copiedFromSegments, 3, 'only the new piece is read from the pieces');
  assert.equal(f.stats.copiedFromPrevious - st.copiedFromPrevious, 2000);
  const again = f.flatten(segs.length, (i) => segs[i]!);
  assert.equal(again, out);
  assert.equal(f.stats.allocations - st.allocations, 1, 'nothing changed: no new array');
  // Pieces replaced in place far apart: the pieces between them come from the previous result.
  const st2 = { ...f.stats };
  segs[10] = [1, 2, 3];
  segs[900] = [4];
  assert.deepEqual(f.flatten(segs.length, (i) => segs[i]!), segs.flat());
  assert.equal(f.stats.allocations - st2.allocations, 1);
  assert.equal(f.stats.copiedFromSegments - st2.copiedFromSegments, 4);
  segs.splice(10, 1);
  segs[900] = [1, 2];
  assert.deepEqual(f.flatten(segs.length, (i) => segs[i]!), segs.flat());
  assert.equal(f.stats.allocations - st.allocations, 3);
});
