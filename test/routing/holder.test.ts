import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RouteTableHolder } from '../../src/routing/holder.ts';
import type { RouteTable } from '../../src/routing/types.ts';

function fakeTable(generation: number, released: number[]): RouteTable {
  return { generation, routes: [], invalid: [], lookup: () => null, release: () => released.push(generation) };
}

test('swap releases a retired generation at once when no request holds it', () => {
  const released: number[] = [];
  const h = new RouteTableHolder(fakeTable(1, released));
  h.swap(fakeTable(2, released));
  assert.equal(h.current.generation, 2);
  assert.deepEqual(released, [1]);
});

test('a retired generation is released when its last pinned request ends', () => {
  const released: number[] = [];
  const h = new RouteTableHolder(fakeTable(1, released));
  const a = h.acquire();
  const b = h.acquire();
  h.swap(fakeTable(2, released));
  const c = h.acquire();
  assert.equal(a.generation, 1);
  assert.equal(c.generation, 2);
  h.done(a);
  assert.deepEqual(released, []);
  h.done(b);
  assert.deepEqual(released, [1]);
  h.done(c);
  assert.deepEqual(released, [1], 'the current generation is never released by done()');
});

test('swapping in the current table again does not release it; unbalanced done() throws', () => {
  const released: number[] = [];
  const t = fakeTable(1, released);
  const h = new RouteTableHolder(t);
  h.swap(t);
  assert.deepEqual(released, []);
  assert.throws(() => h.done(t), /not pinned/);
});
