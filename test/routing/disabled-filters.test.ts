/** -disabled-filters at route-build time: a route using a disabled filter is invalid, the others are served. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { parse } from '../../src/eskip/index.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes, incrementalCompiler } from '../../src/routing/compile.ts';
import { pick, table } from './helpers.ts';

const routes = `
  files: Path("/files/*p") -> static("/files", "/") -> <shunt>;
  hello: Path("/hello") -> status(200) -> inlineContent("hi") -> <shunt>;
`;

test('a route using a disabled filter is invalid with reason unknown_filter and says why', () => {
  const t = table(routes, { filters: builtinFilters(), disabledFilters: new Set(['static']) });
  assert.deepEqual(t.routes.map((r) => r.id), ['hello']);
  assert.equal(t.invalid.length, 1);
  assert.equal(t.invalid[0]!.id, 'files');
  assert.equal(t.invalid[0]!.reason, 'unknown_filter');
  assert.match(t.invalid[0]!.message, /route files: filter "static" is disabled/);
  assert.equal(pick(t, { path: '/hello' }), 'hello');
  assert.equal(pick(t, { path: '/files/etc/passwd' }), null);
});

test('without -disabled-filters the same routes all compile', () => {
  const t = table(routes, { filters: builtinFilters() });
  assert.deepEqual(t.routes.map((r) => r.id).sort(), ['files', 'hello']);
  assert.equal(t.invalid.length, 0);
});

test('a disabled filter is refused even in a route compiled before (incremental compile keeps no stale route)', () => {
  const defs = parse(routes);
  const filters = builtinFilters();
  const predicates = builtinPredicates();
  const open = compileRoutes(defs, { filters, predicates });
  assert.equal(open.invalid.length, 0);
  const closed = compileRoutes(defs, { filters, predicates, previous: open, disabledFilters: new Set(['static']) });
  assert.deepEqual(closed.invalid.map((i) => i.id), ['files']);
});

test('the incremental compiler reuses routes across generations with the same disabled set', () => {
  const compile = incrementalCompiler({ filters: builtinFilters(), predicates: builtinPredicates(), disabledFilters: new Set(['static']) });
  compile(parse(routes), 1);
  const second = compile(parse(routes), 2) as ReturnType<typeof compileRoutes>;
  assert.equal(second.stats.reused, 1, 'hello is kept, files stays invalid');
  assert.deepEqual(second.invalid.map((i) => i.id), ['files']);
});
