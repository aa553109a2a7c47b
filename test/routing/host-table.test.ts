/**
 * HostTable, the hash table of the hostname indexes: every key inserted is found with its own value, keys
 * not inserted are not found, also when keys share a slot, probe past the end of the table, or have the
 * same hash (then the key itself decides).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostTable, hostHash } from '../../src/routing/host-key.ts';

test('every inserted key is found with its value; others are not, whatever slots they share', () => {
  for (const n of [1, 2, 3, 7, 100, 1_000]) {
    const t = new HostTable<number>(n);
    const keys = Array.from({ length: n }, (_, i) => `app${i}.team${i % 7}.example.org`);
    keys.forEach((k, i) => t.insert(k, hostHash(k), i));
    assert.equal(t.size, n);
    keys.forEach((k, i) => assert.equal(t.get(k, hostHash(k)), i, k));
    for (let i = n; i < n + 200; i++) {
      const k = `app${i}.team${i % 7}.example.org`;
      assert.equal(t.get(k, hostHash(k)), undefined, k);
    }
    const seen = new Map<string, number>();
    t.forEach((k, hash, v) => {
      assert.equal(hash, hostHash(k));
      seen.set(k, v);
    });
    assert.deepEqual([...seen.keys()].sort(), [...keys].sort());
  }
});

test('keys that fall into the same slot, also the last one, probe on and wrap around', () => {
  // A table for two keys has four slots: find three keys for its last slot and one for the first.
  const t = new HostTable<string>(2);
  const last: string[] = [];
  let first: string | null = null;
  for (let i = 0; last.length < 3 || first === null; i++) {
    const k = `h${i}.org`;
    if ((hostHash(k) & 3) === 3 && last.length < 3) last.push(k);
    else if ((hostHash(k) & 3) === 0 && first === null) first = k;
  }
  t.insert(last[0]!, hostHash(last[0]!), last[0]!);
  t.insert(last[1]!, hostHash(last[1]!), last[1]!);
  // The second key wrapped around to slot 0: a key of slot 0 probes past it.
  assert.equal(t.get(last[1]!, hostHash(last[1]!)), last[1]);
  assert.equal(t.get(first, hostHash(first)), undefined);
  assert.equal(t.get(last[2]!, hostHash(last[2]!)), undefined);
  assert.equal(t.get(last[0]!, hostHash(last[0]!)), last[0]);
});

test('two keys with the same hash are told apart by the key', () => {
  const byHash = new Map<number, string>();
  let pair: [string, string] | null = null;
  for (let i = 0; pair === null; i++) {
    const k = `app${i}.example.org`;
    const other = byHash.get(hostHash(k));
    if (other !== undefined) pair = [other, k];
    else byHash.set(hostHash(k), k);
  }
  const [a, b] = pair;
  assert.equal(hostHash(a), hostHash(b));
  const t = new HostTable<string>(2);
  t.insert(a, hostHash(a), 'A');
  assert.equal(t.get(b, hostHash(b)), undefined);
  t.insert(b, hostHash(b), 'B');
  assert.equal(t.get(a, hostHash(a)), 'A');
  assert.equal(t.get(b, hostHash(b)), 'B');
});
