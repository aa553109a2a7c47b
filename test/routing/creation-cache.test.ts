/**
 * The compile's creation cache (src/routing/creation-cache.ts): equal calls share one instance and equal
 * lists one list within a compile, and nothing of it outlives the compile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { compileRoute, newCompileScratch, newShared } from '../../src/routing/compiled-route.ts';
import { trieMaps } from '../../src/routing/shared-instances.ts';
import type { Route } from '../../src/routing/types.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const opts = () => ({ predicates: builtinPredicates(), filters: builtinFilters() });

function byId(routes: readonly Route[], id: string): Route {
  return routes.find((r) => r.id === id)!;
}

test('routes with equal calls share one instance, and routes with equal lists one list', () => {
  const defs = parse(['a', 'b', 'c', 'd'].map((id) => `${id}: Host("^x[.]org$") && Path("/${id}") -> setRequestHeader("X-App", "x") -> setResponseHeader("X-Route", "${id === 'd' ? 'c' : id}") -> <shunt>;`).join('\n'));
  const t = compileRoutes(defs, opts());
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => byId(t.routes, id));
  assert.equal(a!.filters[0], b!.filters[0], 'one setRequestHeader("X-App", "x") instance');
  assert.equal(c!.filters[1], d!.filters[1], 'one setResponseHeader("X-Route", "c") instance');
  assert.notEqual(a!.filters[1], b!.filters[1]);
  // From the second route with a list on, the list is one object.
  assert.equal(b!.requestFilters, c!.requestFilters);
  assert.equal(c!.requestFilters, d!.requestFilters);
  assert.ok(Object.isFrozen(a!.filters) && Object.isFrozen(a!.requestFilters));
  assert.deepEqual(a!.requestFilters, [a!.filters[0]]);
  assert.deepEqual(d!.responseFilters, [d!.filters[1]]);
});

test('a route list from code (argument lists not frozen) gets instances of its own', () => {
  const def = (id: string) => ({ id, predicates: [], filters: [{ name: 'setPath', args: ['/x'] }], backendType: 'shunt' as const });
  const t = compileRoutes([def('a'), def('b')], opts());
  assert.notEqual(t.routes[0]!.filters[0], t.routes[1]!.filters[0]);
});

test('the instances of a table are not kept alive by its definitions once the table is gone', async () => {
  // The definitions (and their frozen argument lists) stay; a process-wide cache keyed by them would keep
  // every instance made for them as long as they live.
  const defs = parse('r: Path("/a") -> setResponseHeader("X-Route", "r") -> <shunt>;');
  // In a function of its own: a suspended async function keeps its temporaries.
  const { instance, route } = weakly(defs);
  // A WeakRef holds its target until the job that made it (or called deref) ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(route.deref(), undefined);
  assert.equal(instance.deref(), undefined);
  assert.equal(defs.length, 1);
});

function weakly(defs: ReturnType<typeof parse>): { instance: WeakRef<object>; route: WeakRef<object> } {
  const t = compileRoutes(defs, opts());
  return { instance: new WeakRef(t.routes[0]!.filters[0]!), route: new WeakRef(t.routes[0]!) };
}

test('lists of cached instances are found by their ordinals, not through the trie, and keep their order', () => {
  // Three routes per host: a list is shared from its second route on.
  const text = Array.from({ length: 3_000 }, (_, i) => `r${i}: Host("^h${Math.floor(i / 3)}[.]org$") && Method("GET") && Path("/p${i}")
    -> setResponseHeader("A", "${Math.floor(i / 3)}") -> setRequestHeader("X", "1") -> setResponseHeader("B", "2") -> <shunt>;`).join('\n');
  const defs = parse(text);
  const scratch = newCompileScratch();
  const ctx = { ...opts(), lbFactory: undefined, ignoreTrailingSlash: false, disabledFilters: null };
  const es = defs.map((d) => compileRoute(d, ctx, newShared(), scratch));
  for (let i = 0; i < es.length; i += 3) {
    const [a, b] = [es[i + 1]!, es[i + 2]!];
    assert.equal(b.matchers, a.matchers, `matchers of r${i + 2}`);
    assert.equal(b.route.filters, a.route.filters);
    assert.equal(b.route.responseFilters, a.route.responseFilters);
    assert.deepEqual(a.route.responseFilters, [a.route.filters[2], a.route.filters[0]]);
    assert.deepEqual(a.route.requestFilters, [a.route.filters[1]]);
  }
  assert.notEqual(es[1]!.matchers, es[4]!.matchers);
  assert.equal(new Set(es.filter((_, i) => i % 3 !== 0).map((e) => e.route.responseFilters)).size, 1_000);
  // Every instance passed through the creation cache: no list went into the trie.
  assert.equal(trieMaps(scratch.lists), 0);
  assert.equal(scratch.lists.key, null);
});

test('matchers of argument lists from code share lists by the predicates\' memo ordinals', () => {
  const def = (id: string) => ({ id, predicates: [{ name: 'Method', args: ['PUT'] }, { name: 'Header', args: ['X-A', 'b'] }], filters: [], backendType: 'shunt' as const });
  const scratch = newCompileScratch();
  const ctx = { ...opts(), lbFactory: undefined, ignoreTrailingSlash: false, disabledFilters: null };
  const [a, b, c] = ['a', 'b', 'c'].map((id) => compileRoute(def(id), ctx, newShared(), scratch));
  assert.equal(b!.matchers, c!.matchers);
  assert.equal(a!.matchers[0], b!.matchers[0]);
  assert.equal(scratch.lists.key, null);
});
