import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteDef } from '../../src/eskip/index.ts';
import type { RouteListChange } from '../../src/dataclients/types.ts';
import { RouteUpdater } from '../../src/dataclients/updater.ts';
import { applyDelta, diffDefs } from '../../src/server/route-delta.ts';
import { generationDelta } from '../../src/server/workers.ts';
import { manualSource } from '../support/manual-source.ts';

const def = (id: string): RouteDef => ({ id, predicates: [], filters: [], backendType: 'shunt' });
const list = (n: number): RouteDef[] => Array.from({ length: n }, (_, i) => def(`r${i}`));

/** `xs` behind a proxy that counts the elements read. */
function counted(xs: RouteDef[]): { list: RouteDef[]; reads: () => number } {
  let reads = 0;
  const list = new Proxy(xs, {
    get(t, k, r) {
      if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
      return Reflect.get(t, k, r);
    },
  });
  return { list, reads: () => reads };
}

/** `prev` with two definitions inserted at `at`, and the change saying so. */
function inserted(prev: RouteDef[], at: number): { next: RouteDef[]; change: RouteListChange } {
  const add = [def('new1'), def('new2')];
  const next = [...prev.slice(0, at), ...add, ...prev.slice(at)];
  return { next, change: { from: prev, hunks: [{ at, remove: 0, insert: 2 }], inserted: add } };
}

test('the delta to the workers is the source\'s own change when it starts from the list sent last: no element compared', () => {
  const base = list(20_000);
  const { next, change } = inserted(base, 12_345);
  const prev = counted(base);
  const nxt = counted(next);
  const d = generationDelta(prev.list, nxt.list, { ...change, from: prev.list });
  assert.equal(prev.reads() + nxt.reads(), 0, 'no definition read');
  assert.deepEqual(d, { hunks: [{ at: 12_345, remove: 0, insert: 2 }], inserted: change.inserted });
  assert.deepEqual(applyDelta(base, d), next);
  // Without the change the lists are compared, up to the first difference from either end.
  const again = counted(base);
  const d2 = generationDelta(again.list, next);
  assert.ok(again.reads() >= 20_000, `${again.reads()} read`);
  assert.deepEqual(d2, diffDefs(base, next));
});

test('a change from another list than the one sent last (updates coalesced) is not used: the lists are compared', () => {
  const a = list(100);
  const { next: b } = inserted(a, 10);
  const { next: c, change } = inserted(b, 50);
  // The workers hold `a`; the change is from `b`, which was never sent.
  const d = generationDelta(a, c, change);
  assert.deepEqual(d, diffDefs(a, c));
  assert.deepEqual(applyDelta(a, d), c);
});


test('the updater hands on the change of its only source with that source\'s list, and no change for a merged one', async () => {
  const first = list(10);
  const src = manualSource('k', first);
  const built: RouteDef[][] = [];
  let building = (): void => {};
  const u = new RouteUpdater({
    sources: [src],
    build: (defs) => {
      built.push(defs);
      building();
    },
    onSourceError: () => assert.fail('no error expected'),
  });
  await u.start();
  assert.equal(u.changeOf(built[0]!), undefined, 'the first list came without a change');
  const { next, change } = inserted(first, 3);
  const rebuilt = new Promise<void>((r) => (building = r));
  src.push({ routes: next, change });
  await rebuilt;
  assert.equal(built[1], next);
  assert.equal(u.changeOf(built[1]!), change);
  assert.equal(u.changeOf(next.slice()), undefined, 'a list the source did not deliver (pre-processed)');
  // An update without a change clears it.
  const plain = next.slice(1);
  const again = new Promise<void>((r) => (building = r));
  src.push({ routes: plain });
  await again;
  assert.equal(u.changeOf(plain), undefined);

  const a = manualSource('a', list(2));
  const b = manualSource('b', list(2));
  const merged: RouteDef[][] = [];
  const two = new RouteUpdater({ sources: [a, b], build: (defs) => merged.push(defs), onSourceError: () => {} });
  await two.start();
  const m = inserted(list(2), 1);
  a.push({ routes: m.next, change: { ...m.change, from: list(2) } });
  await new Promise((r) => setImmediate(r));
  assert.equal(merged.length, 2);
  assert.equal(two.changeOf(merged[1]!), undefined, 'merged lists carry no change');
});
