import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { validDefinitions } from '../../src/server/worker-listing.ts';

test('the primary\'s listing from a worker\'s report equals the valid routes of a compile', () => {
  const defs = parse(`
    a: Path("/a") -> <shunt>;
    dup: Path("/d1") -> <shunt>;
    bad: Path("/b") -> noSuchFilter() -> <shunt>;
    dup: Path("/d2") -> <shunt>;
    c: Path("/c") -> <shunt>;
    bad: Path("/b2") -> <shunt>;
  `);
  const t = compileRoutes(defs, { predicates: builtinPredicates(), filters: builtinFilters() });
  assert.deepEqual(t.invalid.map((i) => [i.id, i.reason]), [['bad', 'unknown_filter'], ['dup', 'duplicate_route_id'], ['bad', 'duplicate_route_id']]);
  assert.deepEqual(validDefinitions(defs, t.invalid), t.routes.map((r) => r.def));
  assert.equal(validDefinitions(defs, []), defs, 'nothing invalid: the list itself');
});
