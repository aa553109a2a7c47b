import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonEnds, expectLists, listCounters, replacedSteps, runSync, splicesOf } from '../../src/lifecycle/index.ts';
import { spareLists } from '../../src/lifecycle/list-steps.ts';

/** A small deterministic generator, so a failure repeats. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

test('a list made by replacedSteps knows its common ends with the list it was made from: the same as a scan finds, without comparing', () => {
  const r = rng(13);
  for (let round = 0; round < 2000; round++) {
    const list = Array.from({ length: r(40) }, (_, i) => ({ i }));
    const from = r(list.length + 1);
    const to = from + r(list.length - from + 1);
    // The replacement repeats some of the replaced elements at their ends, as a re-parsed chunk does.
    const mid: object[] = [];
    const lead = r(to - from + 1);
    for (let i = 0; i < lead; i++) mid.push(list[from + i]!);
    for (let i = r(4); i > 0; i--) mid.push({ fresh: i });
    const trail = r(to - from - lead + 1);
    for (let i = trail; i > 0; i--) mid.push(list[to - i]!);
    const out = runSync(replacedSteps(list, from, to, mid));
    assert.deepEqual(out, [...list.slice(0, from), ...mid, ...list.slice(to)]);
    const before = listCounters.compared;
    const known = commonEnds(list, out);
    assert.equal(listCounters.compared, before, 'answered without comparing');
    // A copy carries no provenance: its ends are scanned.
    assert.deepEqual(known, commonEnds(list, out.slice()), `round ${round}: ${list.length} [${from}, ${to}) ${mid.length}`);
    // Only for the list it was made from.
    assert.deepEqual(commonEnds(list.slice(), out), commonEnds(list.slice(), out.slice()));
  }
});

test('long lists are allocated ahead while idle: the copies of a change fill spares instead of allocating', async () => {
  let list = Array.from({ length: 100_000 }, (_, i) => i);
  list = runSync(replacedSteps(list, 5, 6, [-1]));
  for (let i = 0; i < 2000 && spareLists(list.length) < 3; i++) await new Promise((r) => setTimeout(r, 5));
  const before = listCounters.allocated;
  // An edit, an insert and a removal, as one change's copies: each fits a spare.
  const expected = list.slice();
  list = runSync(replacedSteps(list, 7, 8, [-7]));
  expected[7] = -7;
  list = runSync(replacedSteps(list, 9, 9, [-9]));
  expected.splice(9, 0, -9);
  list = runSync(replacedSteps(list, 11, 12, []));
  expected.splice(11, 1);
  assert.equal(listCounters.allocated, before, 'lists allocated during the change');
  assert.deepEqual(list, expected);
  assert.equal(list.length, 100_000);
});

test('lists announced by a whole parse get their spares before the first change', async () => {
  const list = Array.from({ length: 200_000 }, (_, i) => i);
  expectLists(list.length);
  for (let i = 0; i < 2000 && spareLists(list.length) < 3; i++) await new Promise((r) => setTimeout(r, 5));
  const before = listCounters.allocated;
  const out = runSync(replacedSteps(list, 1, 2, [-1]));
  assert.equal(listCounters.allocated, before, 'lists allocated by the first change');
  assert.equal(out[1], -1);
});

test('splicesOf: the splices by identity between two ranges, which applied give the new range', () => {
  const objs = Array.from({ length: 10 }, (_, i) => ({ i }));
  const [a, b, c, d, e, f] = objs as [{ i: number }, { i: number }, { i: number }, { i: number }, { i: number }, { i: number }];
  const x = { i: 100 };
  const y = { i: 101 };
  const prev = [a, b, c, d, e, f];
  const cases: [string, { i: number }[], { at: number; remove: number; insert: number }[], { i: number }[]][] = [
    ['same', [b, c, d, e], [], []],
    ['one replaced', [b, x, d, e], [{ at: 2, remove: 1, insert: 1 }], [x]],
    ['two apart', [x, c, y, e], [{ at: 1, remove: 1, insert: 1 }, { at: 3, remove: 1, insert: 1 }], [x, y]],
    ['one removed', [b, d, e], [{ at: 2, remove: 1, insert: 0 }], []],
    ['one added', [b, c, x, d, e], [{ at: 3, remove: 0, insert: 1 }], [x]],
    ['moved back: taken as removed there and inserted here', [c, b, d, e], [{ at: 1, remove: 1, insert: 0 }, { at: 3, remove: 0, insert: 1 }], [b]],
  ];
  for (const [name, next, hunks, inserted] of cases) {
    // The range [1, 5) of prev against all of next.
    const got = splicesOf(prev, 1, 5, next, 0, next.length);
    assert.deepEqual(got.hunks, hunks, name);
    assert.deepEqual(got.inserted, inserted, name);
    // Applied to the range, they give `next` object for object.
    const out: { i: number }[] = [];
    let at = 1;
    let k = 0;
    for (const h of got.hunks) {
      out.push(...prev.slice(at, h.at), ...got.inserted.slice(k, k + h.insert));
      k += h.insert;
      at = h.at + h.remove;
    }
    out.push(...prev.slice(at, 5));
    assert.ok(out.length === next.length && out.every((o, i) => o === next[i]), `${name}: applied`);
  }
});
