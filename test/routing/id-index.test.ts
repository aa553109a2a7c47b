import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdIndex } from '../../src/routing/id-index.ts';
import type { RouteEntry } from '../../src/routing/route-entry.ts';

function entry(id: string): RouteEntry {
  return { route: { id } } as unknown as RouteEntry;
}

test('the id index answers as a Map would through sets, replacements, deletions and growth', () => {
  const ids = new IdIndex();
  const model = new Map<string, RouteEntry>();
  // A small deterministic generator: ids collide in their last characters, as counters do.
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let step = 0; step < 60_000; step++) {
    const id = `r${next() % 5_000}`;
    const op = next() % 10;
    if (op < 5) {
      const e = entry(id);
      ids.set(id, e);
      model.set(id, e);
    } else if (op < 8) {
      ids.delete(id);
      model.delete(id);
    } else {
      assert.equal(ids.get(id), model.get(id), `get ${id} at step ${step}`);
    }
  }
  assert.equal(ids.size, model.size);
  for (let i = 0; i < 5_000; i++) assert.equal(ids.get(`r${i}`), model.get(`r${i}`), `r${i}`);
  // Emptied and filled again past its first size.
  for (const id of [...model.keys()]) ids.delete(id);
  assert.equal(ids.size, 0);
  for (let i = 0; i < 20_000; i++) ids.set(`k${i}`, entry(`k${i}`));
  assert.equal(ids.size, 20_000);
  for (let i = 0; i < 20_000; i++) assert.equal(ids.get(`k${i}`)!.route.id, `k${i}`);
  assert.equal(ids.get('r1'), undefined);
  assert.equal(ids.get(''), undefined);
});
