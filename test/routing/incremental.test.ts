import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDef } from '../../src/eskip/ast.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { Registry } from '../../src/registry.ts';
import { compileRoutes, incrementalCompiler } from '../../src/routing/compile.ts';
import { RouteTableHolder } from '../../src/routing/holder.ts';
import { pick } from './helpers.ts';

/** `mark(name)` instances log their creation and closing. */
function marks() {
  const log: string[] = [];
  const spec: FilterSpec = {
    name: 'mark',
    create(args) {
      log.push(`open ${args[0]}`);
      return { name: 'mark', request: () => {}, close: () => void log.push(`close ${args[0]}`) };
    },
  };
  return { log, filters: new Registry<FilterSpec>('filter', [spec]) };
}

const route = (id: string, path: string, mark?: string): RouteDef => ({
  id, predicates: [{ name: 'Path', args: [path] }], filters: mark === undefined ? [] : [{ name: 'mark', args: [mark] }], backendType: 'network', backend: 'http://10.0.0.1:80',
});

test('an unchanged definition keeps its compiled route; a changed one is compiled afresh', () => {
  const { filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const a = route('a', '/a', 'a');
  const b = route('b', '/b');
  const t1 = compileRoutes([a, b], opts);
  const t2 = compileRoutes([a, { ...b, predicates: [{ name: 'Path', args: ['/b2'] }] }], { ...opts, previous: t1 });
  assert.equal(t2.routes[0], t1.routes[0], 'same definition object: same Route (matchers, filters, backend URL)');
  assert.notEqual(t2.routes[1], t1.routes[1]);
  assert.deepEqual(t2.stats, { reused: 1, compiled: 1, invalid: 0, tree: 'built' });
  assert.equal(pick(t2, { path: '/b2' }), 'b');
  assert.equal(pick(t2, { path: '/b' }), null);
  assert.equal(pick(t2, { path: '/a' }), 'a');
});

test('a definition equal field by field, but a new object, keeps its compiled route', () => {
  const { filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const defs = Array.from({ length: 20 }, (_, i) => route(`r${i}`, `/p${i}/:id`, `m${i}`));
  const t1 = compileRoutes(defs, opts);
  const t2 = compileRoutes(structuredClone(defs), { ...opts, previous: t1 });
  assert.deepEqual(t2.stats, { reused: 20, compiled: 0, invalid: 0, tree: 'patched' });
  t2.routes.forEach((r, i) => assert.equal(r, t1.routes[i]));
  assert.equal(t2.lookup({ method: 'GET', host: 'h', path: '/p7/x', rawQuery: '', headers: {}, remoteAddress: '' })?.params['id'], 'x');
});

test('a filter instance shared with the next generation is not closed when the old one is released', () => {
  const { log, filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const keep = route('keep', '/k', 'keep');
  const t1 = compileRoutes([keep, route('drop', '/d', 'drop'), route('change', '/c', 'c1')], opts);
  const t2 = compileRoutes([keep, route('change', '/c', 'c2')], { ...opts, previous: t1 });
  assert.deepEqual(log, ['open keep', 'open drop', 'open c1', 'open c2']);
  t1.release();
  assert.deepEqual(log.slice(4).sort(), ['close c1', 'close drop']);
  t2.release();
  assert.deepEqual(log.slice(6).sort(), ['close c2', 'close keep']);
  t2.release();
  assert.equal(log.length, 8, 'release runs once');
});

test('a pinned old generation keeps the instances of routes the new one dropped open until its last request ends', () => {
  const { log, filters } = marks();
  const compile = incrementalCompiler({ predicates: builtinPredicates(), filters });
  const holder = new RouteTableHolder(compile([route('a', '/a', 'a'), route('b', '/b', 'b')], 1));
  const pinned = holder.acquire();
  holder.swap(compile([route('a', '/a', 'a')], 2));
  holder.swap(compile([route('a', '/a', 'a'), route('c', '/c', 'c')], 3));
  assert.deepEqual(log, ['open a', 'open b', 'open c'], 'route a was compiled once across three generations');
  holder.done(pinned);
  assert.deepEqual(log.slice(3), ['close b']);
  assert.equal(pick(holder.current, { path: '/a' }), 'a');
  assert.equal(pick(holder.current, { path: '/c' }), 'c');
});

test('routes are not taken from a released previous table whose filters were closed', () => {
  const { log, filters } = marks();
  const opts = { predicates: builtinPredicates(), filters };
  const a = route('a', '/a', 'a');
  const plain = route('p', '/p');
  const t1 = compileRoutes([a, plain], opts);
  t1.release();
  const t2 = compileRoutes([a, plain], { ...opts, previous: t1 });
  assert.deepEqual(log, ['open a', 'close a', 'open a']);
  assert.notEqual(t2.routes[0], t1.routes[0]);
  assert.equal(t2.routes[1], t1.routes[1], 'a route without filters has nothing closed and is kept');
});

test('nothing is reused under other registries or another trailing-slash mode', () => {
  const a = route('a', '/a/');
  const t1 = compileRoutes([a], { predicates: builtinPredicates(), filters: marks().filters });
  const t2 = compileRoutes([a], { predicates: builtinPredicates(), filters: marks().filters, previous: t1 });
  assert.equal(t2.stats.reused, 0);
  const p = builtinPredicates();
  const f = marks().filters;
  const t3 = compileRoutes([a], { predicates: p, filters: f });
  const t4 = compileRoutes([a], { predicates: p, filters: f, previous: t3, ignoreTrailingSlash: true });
  assert.equal(t4.stats.reused, 0);
  assert.equal(pick(t4, { path: '/a' }), 'a');
  assert.equal(pick(t3, { path: '/a' }), null);
});

test('two generations compiled from the same previous table are both right (the family is rebuilt)', () => {
  const opts = { predicates: builtinPredicates(), filters: marks().filters };
  const defs = Array.from({ length: 12 }, (_, i) => route(`r${i}`, `/p${i}`));
  const t1 = compileRoutes(defs, opts);
  const a = compileRoutes([...defs.slice(1), route('x', '/x')], { ...opts, previous: t1 });
  const b = compileRoutes([route('y', '/y'), ...defs], { ...opts, previous: t1 });
  const c = compileRoutes([route('z', '/p3'), ...defs.slice(4)], { ...opts, previous: a });
  assert.equal(pick(a, { path: '/p0' }), null);
  assert.equal(pick(a, { path: '/x' }), 'x');
  assert.equal(pick(b, { path: '/p0' }), 'r0');
  assert.equal(pick(b, { path: '/y' }), 'y');
  assert.equal(pick(b, { path: '/x' }), null);
  assert.equal(pick(c, { path: '/p3' }), 'z');
  assert.equal(pick(c, { path: '/p5' }), 'r5');
  assert.equal(pick(c, { path: '/x' }), null);
  assert.equal(c.stats.reused, 8);
});

test('reordered definitions are reused but the tree is rebuilt, keeping definition order among equal weights', () => {
  const opts = { predicates: builtinPredicates(), filters: marks().filters };
  const defs = Array.from({ length: 10 }, (_, i) => route(`r${i}`, '/same'));
  const t1 = compileRoutes(defs, opts);
  assert.equal(pick(t1, { path: '/same' }), 'r0');
  const t2 = compileRoutes([defs[5]!, ...defs.slice(0, 5), ...defs.slice(6)], { ...opts, previous: t1 });
  assert.deepEqual(t2.stats, { reused: 10, compiled: 0, invalid: 0, tree: 'built' });
  assert.equal(pick(t2, { path: '/same' }), 'r5');
});

test('many updates under one path with a host each: the patched host index forgets removed hosts, also across compactions', () => {
  const opts = { predicates: builtinPredicates(), filters: marks().filters };
  const hosted = (i: number): RouteDef => ({ id: `h${i}`, predicates: [{ name: 'PathSubtree', args: ['/'] }, { name: 'Host', args: [`^h${i}[.]org$`] }], filters: [], backendType: 'shunt' });
  const catchAll: RouteDef = { id: 'any', predicates: [{ name: 'PathSubtree', args: ['/'] }, { name: 'Method', args: ['POST'] }], filters: [], backendType: 'shunt' };
  let defs = [catchAll, ...Array.from({ length: 40 }, (_, i) => hosted(i))];
  let t = compileRoutes(defs, opts);
  for (let round = 0; round < 30; round++) {
    // Drop one host's route, add a new host's route: two hostnames change per generation.
    defs = [...defs.filter((d) => d.id !== `h${round}`), hosted(100 + round)];
    const next = compileRoutes(defs, { ...opts, previous: t });
    assert.equal(next.stats.tree, 'patched');
    const full = compileRoutes(defs, opts);
    for (const i of [round, 100 + round, round + 1, 39, 100]) {
      for (const method of ['GET', 'POST']) {
        const probe = { method, host: `h${i}.org`, path: '/x' };
        assert.equal(pick(next, probe), pick(full, probe), `round ${round}: ${method} h${i}.org`);
      }
    }
    assert.equal(pick(next, { host: `h${round}.org`, path: '/x' }), null, 'a removed host no longer matches');
    t.release();
    t = next;
  }
});
