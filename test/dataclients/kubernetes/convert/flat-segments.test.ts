import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlatSegments } from '../../../../src/dataclients/kubernetes/convert/flat-segments.ts';

test('flattening reuses the previous result and equals a plain concatenation after any segment edits', () => {
  const f = new FlatSegments<number>();
  let segs: number[][] = Array.from({ length: 50 }, (_, i) => [i * 10, i * 10 + 1]);
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  let prev = f.flatten(segs.length, (i) => segs[i]!);
  assert.deepEqual(prev, segs.flat());
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
    if (op === 3) assert.equal(out, prev, 'nothing changed: the same array');
    segs = next;
    prev = out;
  }
});
