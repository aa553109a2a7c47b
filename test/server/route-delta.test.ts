import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RouteDef } from '../../src/eskip/index.ts';
import { applyDelta, diffDefs } from '../../src/server/route-delta.ts';
import { RouteReceiver, routeParts, type RoutesMessage } from '../../src/server/workers.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { windowCounters } from '../../src/routing/reconcile-window.ts';
import { listCounters } from '../../src/lifecycle/index.ts';
import { spareLists } from '../../src/lifecycle/list-steps.ts';

const def = (id: string): RouteDef => ({ id, predicates: [], filters: [], backendType: 'shunt' });
const list = (n: number): RouteDef[] => Array.from({ length: n }, (_, i) => def(`r${i}`));

test('a delta carries only the changed definitions and rebuilds the list in order, keeping the other objects', () => {
  const prev = list(1000);
  const cases: [string, RouteDef[], number][] = [
    ['unchanged', prev.slice(), 0],
    ['one changed in the middle', prev.map((d, i) => (i === 500 ? def('r500') : d)), 1],
    ['one removed', prev.filter((_, i) => i !== 10), 0],
    ['added at the start and the end', [def('new0'), ...prev, def('new1')], 2],
    ['scattered changes', prev.map((d, i) => (i % 100 === 7 ? def(`c${i}`) : d)), 10],
    ['moved', [...prev.slice(1), prev[0]!], 1],
    ['emptied', [], 0],
  ];
  for (const [name, next, sent] of cases) {
    const d = diffDefs(prev, next);
    assert.equal(d.inserted.length, sent, name);
    // Cloned as IPC clones them: the receiver knows the previous objects only by position.
    const copy = structuredClone(prev);
    const got = applyDelta(copy, structuredClone(d));
    assert.deepEqual(got, next, name);
    const kept = got.filter((x) => copy.includes(x)).length;
    assert.equal(kept, next.length - sent, `${name}: kept objects`);
  }
});

test('the receiver applies deltas to the generation it holds, gathers parts, and asks once for the whole list after a gap', () => {
  const applied: [string[], number][] = [];
  const asked: number[] = [];
  const r = new RouteReceiver((defs, g) => applied.push([defs.map((d) => d.id), g]), (holds) => asked.push(holds));
  const g1 = list(12);
  const send = (msgs: RoutesMessage[]): void => msgs.forEach((m) => r.receive(structuredClone(m)));
  send(routeParts(1, -1, { hunks: [{ at: 0, remove: 0, insert: 12 }], inserted: g1 }, 5));
  assert.deepEqual(applied.at(-1), [g1.map((d) => d.id), 1]);
  const g2 = [...g1.slice(0, 3), def('x'), ...g1.slice(5)];
  send(routeParts(2, 1, diffDefs(g1, g2), 5));
  assert.deepEqual(applied.at(-1), [g2.map((d) => d.id), 2]);
  // Generation 3 never arrived: 4's delta is on another base.
  const g4 = g2.slice(1);
  send(routeParts(4, 3, diffDefs(g2, g4), 5));
  send(routeParts(5, 4, diffDefs(g4, g4.slice(1)), 5));
  assert.deepEqual(asked, [2]);
  assert.equal(applied.length, 2);
  send(routeParts(5, -1, { hunks: [{ at: 0, remove: 0, insert: g4.length - 1 }], inserted: g4.slice(1) }, 5));
  assert.deepEqual(applied.at(-1), [g4.slice(1).map((d) => d.id), 5]);
  assert.equal(r.generation, 5);
});

test('a worker given a one-route delta among 10,000 matches and compiles only that route', () => {
  const route = (i: number, v = 0): RouteDef => ({ id: `r${i}`, predicates: [{ name: 'Path', args: [`/r${i}`] }],
    filters: [{ name: 'setResponseHeader', args: ['X-V', String(v)] }], backendType: 'shunt' });
  const primary = Array.from({ length: 10_000 }, (_, i) => route(i));
  const opts = { predicates: builtinPredicates(), filters: builtinFilters() };
  // The worker holds its own copies (structured clones), as received over IPC.
  let held = structuredClone(primary);
  let table = compileRoutes(held, opts);
  let prev = primary;
  for (const [what, edit] of [
    ['edit', (p) => p.map((d, i) => (i === 4000 ? route(4000, 1) : d))],
    ['insert', (p) => [...p.slice(0, 9000), route(20_000), ...p.slice(9000)]],
    ['remove', (p) => p.filter((_, i) => i !== 5)],
  ] as [string, (p: RouteDef[]) => RouteDef[]][]) {
    const next = edit(prev);
    held = applyDelta(held, structuredClone(diffDefs(prev, next)));
    const before = windowCounters.matched;
    const compared = listCounters.compared;
    const t = compileRoutes(held, { ...opts, previous: table });
    assert.ok(windowCounters.matched - before <= 2, `${what}: matched ${windowCounters.matched - before} definitions`);
    // The applied list knows where it differs from the one it was applied to: the compile does not scan for it.
    assert.equal(listCounters.compared - compared, 0, `${what}: definitions compared to find the change`);
    assert.equal(t.stats.compiled, what === 'remove' ? 0 : 1, what);
    assert.equal(t.routes.length, next.length, what);
    table.release();
    table = t;
    prev = next;
  }
  table.release();
});

test('a worker that received a whole long list applies the next one-route delta without allocating a list', async () => {
  const whole = list(70_000);
  const held = applyDelta([], { hunks: [{ at: 0, remove: 0, insert: whole.length }], inserted: whole });
  // Bounded, so that code without spares fails the assertion below instead of waiting forever.
  for (let i = 0; i < 2000 && spareLists(held.length) < 1; i++) await new Promise((r) => setTimeout(r, 5));
  const before = listCounters.allocated;
  const next = applyDelta(held, { hunks: [{ at: 500, remove: 1, insert: 1 }], inserted: [def('changed')] });
  assert.equal(listCounters.allocated, before, 'lists allocated by the first delta');
  assert.equal(next[500]!.id, 'changed');
  assert.equal(next.length, whole.length);
});

test('a worker\'s applied lists do not keep the lists before them alive through a scavenge', () => {
  // A scavenge on demand (the runner has no --expose-gc).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (o: { type: 'minor' | 'major' }) => void;
  gc({ type: 'major' });
  const promoted = () => getHeapSpaceStatistics().find((s) => s.space_name === 'large_object_space')!.space_used_size;
  // 20 one-route deltas on a 100,000-definition list, each list 800 KB (young large objects); only the last is held.
  let held = applyDelta([], { hunks: [{ at: 0, remove: 0, insert: 100_000 }], inserted: list(100_000) });
  gc({ type: 'major' });
  const before = promoted();
  for (let i = 0; i < 20; i++) held = applyDelta(held, { hunks: [{ at: 10 * i, remove: 1, insert: 1 }], inserted: [def(`c${i}`)] });
  gc({ type: 'minor' });
  const grew = promoted() - before;
  // The live list (and a spare) may be promoted; 20 lists (16 MB) were when each list held the one before it.
  assert.ok(grew < 4 * 800_000, `${(grew / 1e6).toFixed(1)} MB of lists promoted by one scavenge`);
  assert.equal(held[10]!.id, 'c1');
});
