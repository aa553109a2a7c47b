/**
 * The work between two yields of a build is bounded, and the per-compile structures do not grow by whole
 * copies (a sliced build must never block the event loop for long: issue 13 item 2). Counted, not timed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDef } from '../../src/eskip/index.ts';
import { IdIndex } from '../../src/routing/id-index.ts';
import { reconcileSteps } from '../../src/routing/reconcile.ts';
import { HostIndex } from '../../src/routing/host-index.ts';
import { leafSteps, type RouteEntry } from '../../src/routing/leaf.ts';
import { hostByKeyFlag, inTreeFlag } from '../../src/routing/route-entry.ts';
import { open } from '../../src/routing/route-lifetimes.ts';
import { newSharedLists, sharedList, trieMaps } from '../../src/routing/shared-instances.ts';
import { shardCount, shardOf } from '../../src/routing/creation-cache.ts';
import type { Route } from '../../src/routing/types.ts';

function entry(id: string, hostKeys: readonly string[] | null, weight = 0): RouteEntry {
  const route = { id, def: { id, predicates: [], filters: [], backendType: 'shunt' }, filters: [], requestFilters: null, responseFilters: null, backendUrl: null, lb: null } as unknown as Route;
  return { route, matchers: [], weight, params: null, hostKeys, flags: inTreeFlag | (hostKeys === null ? 0 : hostByKeyFlag), next: null, born: 0, last: open, seq: -1 };
}

/** Runs `steps`, calling `between()` at each yield; returns the result. */
function run<T>(steps: Generator<void, T, void>, between: () => void): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    between();
  }
}

test('reconcile compiles at most 32 routes between two yields, and a full compile does not copy its route list', () => {
  const defs: RouteDef[] = Array.from({ length: 5_000 }, (_, i) => ({ id: `r${i}`, predicates: [], filters: [], backendType: 'shunt' }));
  let sinceYield = 0;
  let most = 0;
  const compile = (d: RouteDef) => {
    sinceYield++;
    most = Math.max(most, sinceYield);
    return entry(d.id, null);
  };
  const r = run(reconcileSteps(defs, null, new IdIndex(), compile), () => (sinceYield = 0));
  assert.equal(r.compiled.length, 5_000);
  assert.ok(most <= 32, `${most} routes compiled in one step`);
  // Every route of a full compile is fresh: one list, not a second one grown by push to the same length.
  assert.equal(r.fresh, r.compiled);
});

test('the hostname index of a leaf with routes open to any host is built in steps over its hostnames too', () => {
  // 1 generic route and 4,000 hostnames of one route each: the per-hostname lists are a second pass.
  const entries = [entry('g', null, 1), ...Array.from({ length: 4_000 }, (_, i) => entry(`h${i}`, [`h${i}.org`]))];
  entries.forEach((e, i) => (e.seq = i));
  let yields = 0;
  const index = run(HostIndex.buildSteps(entries), () => yields++);
  assert.ok(index !== null);
  // One pass over the entries and one over the hostnames, each yielding every 256.
  assert.ok(yields >= Math.floor(4_001 / 256) + Math.floor(4_000 / 256), `${yields} yields`);
});

test('a leaf of many routes open to any host is counted in steps before it is found not worth an index', () => {
  const entries = Array.from({ length: 10_000 }, (_, i) => entry(`g${i}`, null));
  let yields = 0;
  assert.equal(run(HostIndex.buildSteps(entries), () => yields++), null);
  assert.ok(yields >= Math.floor(10_000 / 1_024), `${yields} yields`);
});

test('a large leaf hands out its ordered entries in steps', () => {
  const entries = Array.from({ length: 10_000 }, (_, i) => entry(`r${i}`, null, i % 3));
  entries.forEach((e, i) => (e.seq = i));
  let yields = 0;
  const leaf = run(leafSteps(entries), () => yields++);
  assert.equal(leaf.entries.length, 10_000);
  assert.equal(leaf.entries[0]!.weight, 2);
  // The bucketing pass (every 256) and the ordered copy (every 1,024).
  assert.ok(yields >= Math.floor(10_000 / 256) + Math.floor(10_000 / 1_024), `${yields} yields`);
});

test('the shared-list trie holds a node\'s only child inline: lists that differ after the first element make no map each', () => {
  const lists = newSharedLists();
  const first = Array.from({ length: 1_000 }, () => ({}));
  const second = Array.from({ length: 1_000 }, () => ({}));
  const made = first.map((a, i) => sharedList([a, second[i]!], true, lists));
  // Equal lists are still one object.
  first.forEach((a, i) => assert.equal(sharedList([a, second[i]!], true, lists), made[i]));
  assert.notEqual(made[0], made[1]);
  // The root has 1,000 children (one map); every node below it has one child, held inline.
  assert.equal(trieMaps(lists), 1);
});

test('the creation cache spreads per-route values that differ in their last digits over all its shards', () => {
  const sizes = new Array<number>(shardCount).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) sizes[shardOf([`r${i}`])]!++;
  const most = Math.max(...sizes);
  assert.ok(most <= 1.5 * (n / shardCount), `largest shard ${most}, mean ${n / shardCount}`);
});
