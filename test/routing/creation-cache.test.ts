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
