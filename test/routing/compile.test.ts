import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgsError } from '../../src/errors.ts';
import type { RouteDef } from '../../src/eskip/ast.ts';
import type { FilterInstance, FilterSpec } from '../../src/routing/filter-contract.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { Registry } from '../../src/registry.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import type { InvalidRouteReason } from '../../src/routing/types.ts';
import { pick, table } from './helpers.ts';

/** Small local filters: `mark` has both hooks, `req` a request hook, `strict` refuses arguments. */
function filterRegistry(closed: string[] = []): Registry<FilterSpec> {
  const mk = (name: string, hooks: Partial<FilterInstance>): FilterSpec => ({
    name,
    create(args) {
      if (name === 'strict' && args.length > 0) throw new InvalidArgsError(`strict: takes no arguments, got ${args.length}`);
      return { name, ...hooks, close: () => closed.push(`${name}(${args.join(',')})`) };
    },
  });
  return new Registry<FilterSpec>('filter', [
    mk('mark', { request: () => {}, response: () => {} }),
    mk('req', { request: () => {} }),
    mk('strict', {}),
  ]);
}

const invalidCases: [string, string, InvalidRouteReason, RegExp][] = [
  ['unknown predicate', `r: Foo() -> <shunt>`, 'unknown_predicate', /route r: predicate "Foo" not found/],
  ['bad predicate arguments', `r: Traffic("x") -> <shunt>`, 'invalid_predicate_params', /route r: .*Traffic/],
  ['bad Path pattern', `r: Path("/a/*x/b") -> <shunt>`, 'invalid_predicate_params', /route r: .*Path.*free wildcard/],
  ['two tree predicates', `r: Path("/a") && PathSubtree("/b") -> <shunt>`, 'invalid_predicate_params', /route r: .*multiple tree predicates/],
  ['bad Weight', `r: Weight("heavy") -> <shunt>`, 'invalid_predicate_params', /route r: .*Weight/],
  ['unknown filter', `r: * -> nope() -> <shunt>`, 'unknown_filter', /route r: filter "nope" not found/],
  ['predicate used as filter', `r: * -> Host("x") -> <shunt>`, 'unknown_filter', /route r: trying to use "Host" as filter/],
  ['bad filter arguments', `r: * -> strict(1) -> <shunt>`, 'invalid_filter_params', /route r: failed to create filter "strict": strict: takes no arguments/],
  ['backend URL without host', `r: * -> "http://"`, 'invalid_backend', /route r: .*backend URL/],
  ['backend that is not a URL', `r: * -> "not a url"`, 'invalid_backend', /route r: invalid backend URL "not a url"/],
];

for (const [name, eskip, reason, message] of invalidCases) {
  test(`invalid route: ${name} → ${reason}`, () => {
    const t = table(`ok: Path("/ok") -> <shunt>;\n${eskip};`, { filters: filterRegistry() });
    assert.equal(t.invalid.length, 1);
    assert.equal(t.invalid[0]!.id, 'r');
    assert.equal(t.invalid[0]!.reason, reason);
    assert.match(t.invalid[0]!.message, message);
    assert.equal(pick(t, { path: '/ok' }), 'ok', 'the other routes keep working');
    assert.deepEqual(t.routes.map((r) => r.id), ['ok']);
  });
}

const lb = (id: string, algorithm: string, endpoints: string[]): RouteDef =>
  ({ id, predicates: [], filters: [], backendType: 'lb', lbAlgorithm: algorithm, lbEndpoints: endpoints.map((address) => ({ address })) });

test('invalid route: LB without endpoints and unknown algorithm → invalid_backend', () => {
  const t = compileRoutes([lb('empty', 'roundRobin', []), lb('algo', 'bogus', ['http://a:1']), lb('good', 'random', ['http://a:1', 'http://b:2'])], {
    predicates: builtinPredicates(), filters: filterRegistry(),
    lbFactory: (algorithm, endpoints) => {
      if (algorithm !== 'random') throw new InvalidArgsError(`unknown algorithm: ${algorithm}`);
      return { algorithm, endpoints };
    },
  });
  assert.deepEqual(t.invalid.map((i) => [i.id, i.reason]), [['empty', 'invalid_backend'], ['algo', 'invalid_backend']]);
  assert.match(t.invalid[1]!.message, /route algo: load balancer: unknown algorithm: bogus/);
  assert.deepEqual(t.routes[0]!.lb, { algorithm: 'random', endpoints: ['http://a:1', 'http://b:2'] });
});

test('without an LB factory LB routes get a plain load balancer', () => {
  const t = compileRoutes([lb('r', 'roundRobin', ['http://a:1'])], { predicates: builtinPredicates(), filters: filterRegistry() });
  assert.deepEqual(t.routes[0]!.lb, { algorithm: 'roundRobin', endpoints: ['http://a:1'] });
});

test('invalid route: a duplicate id keeps the first definition', () => {
  const t = table(`r: Path("/a") -> <shunt>; r: Path("/b") -> <shunt>;`);
  assert.deepEqual(t.invalid.map((i) => [i.id, i.reason]), [['r', 'duplicate_route_id']]);
  assert.equal(pick(t, { path: '/a' }), 'r');
  assert.equal(pick(t, { path: '/b' }), null);
});

test('routes are fully built: filter lists precomputed (null when empty), backend URL parsed, all frozen', () => {
  const t = table(`a: * -> mark() -> req() -> strict() -> "https://backend.example:8443/base"; b: Path("/b") -> <shunt>;`, { filters: filterRegistry(), generation: 7 });
  const [a, b] = t.routes;
  assert.equal(t.generation, 7);
  assert.deepEqual(a!.filters.map((f) => f.name), ['mark', 'req', 'strict']);
  assert.deepEqual(a!.requestFilters!.map((f) => f.name), ['mark', 'req']);
  assert.deepEqual(a!.responseFilters!.map((f) => f.name), ['mark']);
  assert.equal(a!.backendUrl!.host, 'backend.example:8443');
  assert.equal(b!.requestFilters, null);
  assert.equal(b!.responseFilters, null);
  assert.equal(b!.backendUrl, null);
  assert.ok(Object.isFrozen(t) && Object.isFrozen(t.routes) && Object.isFrozen(a) && Object.isFrozen(a!.filters));
});

test('response filters run in reverse order', () => {
  const t = table(`a: * -> mark() -> mark() -> <shunt>`, { filters: filterRegistry() });
  const [f1, f2] = t.routes[0]!.filters;
  assert.deepEqual(t.routes[0]!.responseFilters, [f2, f1]);
});

test('compiling is pure: the same definitions give the same decisions and invalid list', () => {
  const src = `a: Path("/x/:id") -> <shunt>; b: PathSubtree("/x") && Weight(2) -> <shunt>; c: Nope() -> <shunt>;`;
  const t1 = table(src);
  const t2 = table(src);
  assert.deepEqual(t1.invalid.map((i) => i.message), t2.invalid.map((i) => i.message));
  for (const path of ['/x/1', '/x', '/x/1/2', '/y']) assert.equal(pick(t1, { path }), pick(t2, { path }));
});

test('release() closes the filter instances once; failed routes close theirs at once', () => {
  const closed: string[] = [];
  const t = table(`a: * -> mark(1) -> <shunt>; bad: Nope() -> mark(2) -> <shunt>;`, { filters: filterRegistry(closed) });
  assert.deepEqual(closed, ['mark(2)']);
  t.release();
  t.release();
  assert.deepEqual(closed, ['mark(2)', 'mark(1)']);
});

test('the last Method predicate of a definition is the one that decides', () => {
  const def: RouteDef = { id: 'm', predicates: [{ name: 'Method', args: ['GET'] }, { name: 'Method', args: ['POST'] }], filters: [], backendType: 'shunt' };
  const t = compileRoutes([def], { predicates: builtinPredicates(), filters: filterRegistry() });
  assert.equal(pick(t, { path: '/', method: 'POST' }), 'm');
  assert.equal(pick(t, { path: '/', method: 'GET' }), null);
});

test('path wildcards are returned under their names', () => {
  const t = table(`a: Path("/u/:user/items/:item") -> <shunt>; b: Path("/files/*path") -> <shunt>;
    c: PathSubtree("/s") -> <shunt>; d: PathSubtree("/t/:x/*rest") -> <shunt>; e: Path("/e/:v") -> <shunt>;`);
  const params = (path: string) => t.lookup({ method: 'GET', host: '', path, rawQuery: '', headers: {}, remoteAddress: '' })?.params;
  assert.deepEqual(params('/u/ann/items/7'), { user: 'ann', item: '7' });
  assert.deepEqual(params('/files/a/b.txt'), { path: '/a/b.txt' });
  assert.deepEqual(params('/s'), { '*': '/' });
  assert.deepEqual(params('/s/x/y'), { '*': '/x/y' });
  assert.deepEqual(params('/t/1'), { x: '1', rest: '/' });
  assert.deepEqual(params('/t/1/2/3'), { x: '1', rest: '/2/3' });
  assert.deepEqual(params('/e/a+b'), { v: 'a b' }, 'values are query-unescaped as in Skipper');
});
