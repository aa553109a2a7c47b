import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDef } from '../../src/eskip/ast.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { Registry } from '../../src/registry.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { windowCounters } from '../../src/routing/reconcile-window.ts';
import { listCounters } from '../../src/lifecycle/index.ts';
import { EndpointRegistry } from '../../src/loadbalancer/index.ts';
import { request } from './helpers.ts';

/** `mark(name)` instances count their creations and log their closing. */
function marks() {
  const closed: string[] = [];
  let opened = 0;
  const spec: FilterSpec = {
    name: 'mark',
    create(args) {
      opened++;
      return { name: 'mark', request: () => {}, close: () => void closed.push(String(args[0])) };
    },
  };
  return { closed, opened: () => opened, filters: new Registry<FilterSpec>('filter', [spec]) };
}

/** Route i of a mix: hosted and generic, Path, PathSubtree and no path (the root leaf), all with a filter. */
function def(i: number, version = 0): RouteDef {
  const host = { name: 'Host', args: [`^app${i % 40}[.]example[.]org$`] };
  const preds = i % 4 === 0 ? [host, { name: 'PathSubtree', args: ['/'] }]
    : i % 4 === 1 ? [host, { name: 'Path', args: [`/api/${i}/:id`] }]
      : i % 4 === 2 ? [{ name: 'Path', args: [`/r${i}`] }]
        : [host, { name: 'Header', args: ['X-R', String(i)] }];
  return { id: `r${i}`, predicates: preds, filters: [{ name: 'mark', args: [`r${i}.${version}`] }], backendType: 'network', backend: `http://10.0.${i % 200}.1:80` };
}

for (const changed of [2, 1001, 1999]) {
  test(`one changed route (r${changed}) among 2,000: every other compiled route, filter instance included, is the same object; the old table serves unchanged`, () => {
    const { closed, opened, filters } = marks();
    const opts = { predicates: builtinPredicates(), filters };
    const n = 2000;
    const defs = Array.from({ length: n }, (_, i) => def(i));
    const t1 = compileRoutes(defs, opts);
    const next = defs.slice();
    next[changed] = def(changed, 1);
    const t2 = compileRoutes(next, { ...opts, previous: t1 });
    // A full rebuild would create every route and filter instance anew.
    assert.equal(opened(), n + 1, 'only the changed route creates a filter instance');
    for (let i = 0; i < n; i++) if (i !== changed) assert.equal(t2.routes[i], t1.routes[i], `route ${i}: same Route object`);
    assert.notEqual(t2.routes[changed], t1.routes[changed]);
    const path = changed % 4 === 2 ? `/r${changed}` : changed % 4 === 1 ? `/api/${changed}/x` : '/x';
    const probe = request({ host: `app${changed % 40}.example.org`, path, headers: { 'x-r': String(changed) } });
    assert.equal(t1.lookup(probe)?.route, t1.routes[changed], 'the previous table still serves the previous route');
    assert.equal(t2.lookup(probe)?.route, t2.routes[changed]);
    t1.release();
    assert.deepEqual(closed, [`r${changed}.0`], 'releasing the previous table closes only the replaced route');
    t2.release();
    assert.equal(closed.length, n + 1, 'releasing the last table closes the rest');
  });
}

test('a route dropped on one branch and kept on another stays open while the other branch lives', () => {
  const { closed, filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const defs = [def(0), def(1), def(2)];
  const a = compileRoutes(defs, opts);
  const b = compileRoutes([def(0), def(2)], { ...opts, previous: a });
  const c = compileRoutes(defs, { ...opts, previous: a });
  assert.equal(c.routes[1], a.routes[1], 'kept from a');
  a.release();
  b.release();
  assert.deepEqual(closed, [], 'c holds every route of a');
  const d = compileRoutes([def(1)], { ...opts, previous: b });
  assert.notEqual(d.routes[0], c.routes[0], 'b never held r1: compiled afresh');
  c.release();
  assert.deepEqual(closed.sort(), ['r0.0', 'r1.0', 'r2.0']);
  d.release();
  assert.deepEqual(closed.sort(), ['r0.0', 'r1.0', 'r1.0', 'r2.0']);
});

test('a one-route edit, insert or removal among 20,000 matches only the changed window, not every definition, and gives the full compile\'s table', () => {
  const { filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const n = 20_000;
  let defs = Array.from({ length: n }, (_, i) => def(i));
  let table = compileRoutes(defs, opts);
  const registry = new EndpointRegistry();
  registry.observe(table);
  const edits: [string, (d: RouteDef[]) => void][] = [
    ['edit', (d) => void (d[7001] = def(7001, 1))],
    ['insert', (d) => void d.splice(12_000, 0, def(n + 1))],
    ['remove', (d) => void d.splice(3, 1)],
    ['append', (d) => void d.push(def(n + 2))],
  ];
  for (const [what, edit] of edits) {
    const next = defs.slice();
    edit(next);
    const before = windowCounters.matched;
    const t = compileRoutes(next, { ...opts, previous: table });
    assert.ok(windowCounters.matched - before <= 2, `${what}: matched ${windowCounters.matched - before} definitions by id`);
    assert.equal(t.stats.compiled, what === 'remove' ? 0 : 1, `${what}: routes compiled afresh`);
    // The table's route list knows where it differs from the previous table's: the endpoint registry does not scan.
    const compared = listCounters.compared;
    registry.observe(t);
    assert.equal(listCounters.compared - compared, 0, `${what}: routes compared by the endpoint registry`);
    const full = compileRoutes(next, opts);
    assert.deepEqual(t.routes.map((r) => r.id), full.routes.map((r) => r.id), what);
    for (const i of [0, 2, 7001, 12_000, n - 1]) {
      const probe = request({ host: `app${i % 40}.example.org`, path: `/r${i}`, headers: {} });
      assert.equal(t.lookup(probe)?.route.id, full.lookup(probe)?.route.id, `${what}: /r${i}`);
    }
    full.release();
    table.release();
    table = t;
    defs = next;
  }
});
