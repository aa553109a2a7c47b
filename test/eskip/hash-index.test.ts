/**
 * The index behind the parser's string, call and endpoint-list tables: entries stay findable while a growth
 * is being finished, no single insert does more than a bounded amount of work (a growth used to rehash
 * everything in one step), and lookups stay a constant number of probes per entry from n to 4n entries —
 * work counted in probes, never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashIndex } from '../../src/eskip/hash-index.ts';
import { StringTable, hashOf } from '../../src/eskip/strings.ts';

test('every entry is found at its position across growths, also while old slots are still being moved', () => {
  const index = new HashIndex(16);
  const n = 50_000;
  // Hashes with many collisions (one in four repeats) so that candidate chains cross both tables.
  const hashOfKey = (i: number) => (Math.imul(i >> 2, 0x9e3779b1) | 1);
  const find = (i: number): boolean => {
    for (let p = index.first(hashOfKey(i)); p !== -1; p = index.next(hashOfKey(i))) if (p === i) return true;
    return false;
  };
  for (let i = 0; i < n; i++) {
    assert.equal(find(i), false);
    index.add(hashOfKey(i), i);
    // Spot checks right after each insert: some of these sit in the old table, some already moved.
    if (i % 97 === 0) for (let j = 0; j <= i; j += 1 + (i >> 6)) assert.ok(find(j), `entry ${j} lost after ${i + 1} inserts`);
  }
  for (let i = 0; i < n; i++) assert.ok(find(i), `entry ${i} lost`);
  assert.equal(index.size, n);
});

test('no insert does more than a bounded amount of work, however large the table grows', () => {
  const index = new HashIndex(16);
  let worst = 0;
  for (let i = 1; i <= 300_000; i++) {
    const h = Math.imul(i, 0x85ebca6b) | 1;
    const before = index.probes;
    assert.equal(index.first(h), -1);
    index.add(h, i);
    worst = Math.max(worst, index.probes - before);
  }
  // A growth that rehashed everything at once would count ≥ 131,072 probes in one insert here.
  assert.ok(worst < 400, `one insert probed ${worst} slots`);
});

test('string lookups stay a constant number of probes per string from n to 4n strings, for clustered keys too', () => {
  const perString = (n: number, key: (i: number) => string): number => {
    const t = new StringTable(16);
    for (let i = 0; i < n; i++) t.intern(key(i));
    for (let i = 0; i < n; i++) t.intern(key(i));
    return t.probes / (2 * n);
  };
  const shapes: [string, (i: number) => string][] = [
    ['route ids', (i) => `r${i}`],
    ['one differing character in the middle', (i) => `/a/very/long/path/${i.toString(36).padStart(4, '0')}/then/more/text`],
    ['values of equal length', (i) => String(1e6 + i)],
  ];
  for (const [name, key] of shapes) {
    const a = perString(20_000, key);
    const b = perString(80_000, key);
    // Inserting moves old slots too (≈ 6–9 probes per insert, ≈ 1.3–2.3 per lookup of a kept string).
    assert.ok(a < 8 && b < 8, `${name}: ${a.toFixed(2)} and ${b.toFixed(2)} probes per lookup`);
    assert.ok(b <= a * 1.25, `${name}: probes per lookup grew from ${a.toFixed(2)} to ${b.toFixed(2)}`);
  }
});

test('a string is kept once: slices of the source and decoded literals give the same string across growths', () => {
  const t = new StringTable(16);
  const src = Array.from({ length: 30_000 }, (_, i) => `value-${i};`).join('');
  const first: string[] = [];
  let at = 0;
  for (let i = 0; i < 30_000; i++) {
    const end = src.indexOf(';', at);
    first.push(t.slice(src, at, end, hashOf(src.slice(at, end))));
    at = end + 1;
  }
  for (let i = 0; i < 30_000; i++) assert.equal(t.intern(`value-${i}`), first[i]);
  assert.equal(t.size, 30_000);
});
