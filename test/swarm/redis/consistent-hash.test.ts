import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consistentHash, HASH_ALGORITHMS, parseHashAlgorithm } from '../../../swarm/redis/consistent-hash.ts';

const keys = Array.from({ length: 6000 }, (_, i) => `skj:sw:60000:5:login:10.${i >> 8}.${i & 255}.7`);
const shards = (n: number) => Array.from({ length: n }, (_, i) => `10.2.0.${i + 1}:6379`);

for (const alg of HASH_ALGORITHMS) {
  test(`${alg}: spreads keys over the shards`, () => {
    const h = consistentHash(alg, shards(4));
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(h.get(k)!, (counts.get(h.get(k)!) ?? 0) + 1);
    assert.equal(counts.size, 4);
    // a fair share is 1500; mpchash and plain rendezvous balance less evenly than the others
    for (const [s, n] of counts) assert.ok(n > 900 && n < 2100, `${s} got ${n}`);
  });

  test(`${alg}: adding a shard moves only keys to the new shard; removing it moves them back`, () => {
    const before = consistentHash(alg, shards(4));
    const after = consistentHash(alg, shards(5));
    let moved = 0;
    for (const k of keys) {
      const a = before.get(k);
      const b = after.get(k);
      if (a !== b) {
        moved++;
        assert.equal(b, shards(5)[4], `${k} moved between old shards`);
      }
    }
    // about a fifth of the keys move to the new shard
    assert.ok(moved > keys.length / 10 && moved < keys.length / 3, `moved ${moved}`);
  });

  if (alg !== 'jump') {
    test(`${alg}: the order of the shard list does not matter`, () => {
      const a = consistentHash(alg, shards(5));
      const b = consistentHash(alg, [...shards(5)].reverse());
      for (const k of keys.slice(0, 500)) assert.equal(a.get(k), b.get(k));
    });
  }
}

test('jump: keys map to list positions, so the order is kept as given', () => {
  const a = consistentHash('jump', shards(3));
  const b = consistentHash('jump', [...shards(3)].reverse());
  const moved = keys.filter((k) => a.get(k) !== b.get(k)).length;
  // reversing swaps the first and last positions' keys: about two thirds move
  assert.ok(moved > keys.length / 2, `moved ${moved}`);
});

test('no shards: no owner; one shard owns every key', () => {
  for (const alg of HASH_ALGORITHMS) {
    assert.equal(consistentHash(alg, []).get('k'), undefined);
    assert.equal(consistentHash(alg, ['a:1']).get('k'), 'a:1');
  }
});

test('algorithm names as Skipper spells them; empty is rendezvous', () => {
  assert.equal(parseHashAlgorithm(''), 'rendezvous');
  assert.equal(parseHashAlgorithm('rendezvousVnodes'), 'rendezvousVnodes');
  assert.throws(() => parseHashAlgorithm('ketama'), /unknown Redis hash algorithm "ketama"/);
});
