/**
 * Incremental compile against a full compile. Random sequences of route additions, changes, removals,
 * reorderings, equal-copy replacements and duplicates are applied to a route list; after each step the
 * table compiled with `previous` must decide every probe request exactly as a fresh full compile of the
 * same list, list the same routes in the same order and the same invalid routes. Alongside, generations
 * are pinned and released in random order: a filter instance is closed exactly when no live generation
 * holds it any more, and never twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PredicateCall, RouteDef } from '../../src/eskip/ast.ts';
import type { FilterInstance, FilterSpec } from '../../src/routing/filter-contract.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { Registry } from '../../src/registry.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import type { RouteTable, RoutingRequest } from '../../src/routing/types.ts';

const paths = ['/', '/a', '/a/', '/a/:x', '/a/:x/b', '/a/*rest', '/b/c', '/a/b'];
const subtrees = ['/', '/a', '/a/b', '/b'];
const hosts = ['a.org', 'b.org', 'c.org', 'd.org'];

const genDef = (id: string): fc.Arbitrary<RouteDef> => fc.record({
  tree: fc.oneof(
    fc.constantFrom(...paths).map((p): PredicateCall => ({ name: 'Path', args: [p] })),
    fc.constantFrom(...subtrees).map((p): PredicateCall => ({ name: 'PathSubtree', args: [p] })),
    fc.constant(null),
  ),
  host: fc.option(fc.constantFrom(...hosts), { nil: null }),
  // HostAny puts one route under several hostnames of the index.
  hostAny: fc.option(fc.subarray(hosts, { minLength: 2, maxLength: 3 }), { nil: null }),
  method: fc.option(fc.constantFrom('GET', 'POST'), { nil: null }),
  header: fc.boolean(),
  weight: fc.integer({ min: 0, max: 2 }),
  filters: fc.integer({ min: 0, max: 2 }),
  backend: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('shunt', 'network', 'lb') },
    { weight: 1, arbitrary: fc.constantFrom('bad-url', 'bad-predicate', 'bad-filter') },
  ),
}).map((g) => {
  const predicates: PredicateCall[] = [];
  if (g.tree !== null) predicates.push(g.tree);
  if (g.host !== null) predicates.push({ name: 'Host', args: [`^${g.host.replace('.', '[.]')}$`] });
  else if (g.hostAny !== null) predicates.push({ name: 'HostAny', args: g.hostAny });
  if (g.method !== null) predicates.push({ name: 'Method', args: [g.method] });
  if (g.header) predicates.push({ name: 'Header', args: ['X-A', '1'] });
  if (g.weight > 0) predicates.push({ name: 'Weight', args: [g.weight] });
  if (g.backend === 'bad-predicate') predicates.push({ name: 'Nope', args: [] });
  const filters = Array.from({ length: g.filters }, (_, i) => ({ name: 'track', args: [`${id}.${i}`] }));
  if (g.backend === 'bad-filter') filters.push({ name: 'nope', args: [] });
  const base = { id, predicates, filters };
  switch (g.backend) {
    case 'network': return { ...base, backendType: 'network', backend: 'http://10.0.0.1:8080' };
    case 'bad-url': return { ...base, backendType: 'network', backend: 'not a url' };
    case 'lb': return { ...base, backendType: 'lb', lbAlgorithm: 'roundRobin', lbEndpoints: [{ address: 'http://10.0.0.2:80' }, { address: 'http://10.0.0.3:80' }] };
    default: return { ...base, backendType: 'shunt' };
  }
});

type Op =
  | { op: 'add'; at: number; def: RouteDef }
  | { op: 'change'; at: number; def: RouteDef }
  | { op: 'remove'; at: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'copy'; at: number }
  | { op: 'duplicate'; at: number; to: number }
  | { op: 'release'; which: number };

const idPool = Array.from({ length: 60 }, (_, i) => `r${i}`);
const genId = fc.constantFrom(...idPool);
const idx = fc.nat({ max: 1000 });
const genOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), at: idx, def: genId.chain(genDef) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('change' as const), at: idx, def: genId.chain(genDef) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), at: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), at: idx, with: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('copy' as const), at: idx }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: idx, to: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), which: idx }) },
);

/** Applies a list edit; `change` keeps the id of the route it replaces, so it is a change, not a rename. */
function apply(defs: RouteDef[], o: Op): RouteDef[] {
  const out = defs.slice();
  const n = out.length;
  switch (o.op) {
    case 'add': out.splice(o.at % (n + 1), 0, o.def); break;
    case 'change': if (n > 0) out[o.at % n] = { ...o.def, id: out[o.at % n]!.id }; break;
    case 'remove': if (n > 0) out.splice(o.at % n, 1); break;
    case 'swap': if (n > 1) [out[o.at % n], out[o.with % n]] = [out[o.with % n]!, out[o.at % n]!]; break;
    case 'copy': if (n > 0) out[o.at % n] = structuredClone(out[o.at % n]!); break;
    // The same object twice, or an equal copy: either way the first definition of the id wins.
    case 'duplicate': if (n > 0) out.splice(o.to % (n + 1), 0, o.to % 2 === 0 ? out[o.at % n]! : structuredClone(out[o.at % n]!)); break;
    case 'release': break;
  }
  return out;
}

const probes: RoutingRequest[] = [];
for (const method of ['GET', 'POST']) {
  for (const host of [...hosts, 'x.org']) {
    for (const path of ['/', '/a', '/a/', '/a/1', '/a/1/b', '/a/b', '/a/b/c', '/b', '/b/c', '/z/y']) {
      for (const headers of [{}, { 'x-a': '1' }]) probes.push({ method, host, path, rawQuery: '', headers, remoteAddress: '10.0.0.1' });
    }
  }
}

function decisions(t: RouteTable): string[] {
  return probes.map((p) => {
    const m = t.lookup(p);
    return m === null ? '-' : `${m.route.id} ${JSON.stringify(m.params)}`;
  });
}

/** A filter whose instances remember whether they were closed, and complain when closed twice. */
function tracker() {
  const instances = new Set<FilterInstance & { closed: number }>();
  const spec: FilterSpec = {
    name: 'track',
    create(args) {
      const f = { name: 'track', closed: 0, request: () => {}, close: () => void f.closed++ };
      instances.add(f);
      return f;
    },
  };
  return { spec, instances };
}

const initial = fc.array(genId.chain(genDef), { minLength: 0, maxLength: 40, size: 'max' });

for (const ignoreTrailingSlash of [false, true]) {
  test(`incremental compile decides like a full compile after every edit (ignoreTrailingSlash ${ignoreTrailingSlash})`, () => {
    let patched = 0;
    let reused = 0;
    fc.assert(fc.property(initial, fc.array(genOp, { minLength: 1, maxLength: 25 }), (start, ops) => {
      const inc = tracker();
      const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter', [inc.spec]), ignoreTrailingSlash };
      const fullOpts = { ...opts, filters: new Registry<FilterSpec>('filter', [tracker().spec]) };
      let defs = start;
      let current = compileRoutes(defs, opts);
      // Retired generations still pinned by (simulated) requests.
      const pinned: RouteTable[] = [];
      for (const o of ops) {
        if (o.op === 'release') {
          if (pinned.length > 0) pinned.splice(o.which % pinned.length, 1)[0]!.release();
          continue;
        }
        defs = apply(defs, o);
        const next = compileRoutes(defs, { ...opts, previous: current });
        const full = compileRoutes(defs, fullOpts);
        assert.deepEqual(next.routes.map((r) => r.id), full.routes.map((r) => r.id));
        assert.deepEqual(next.invalid.map((i) => [i.id, i.reason, i.message]), full.invalid.map((i) => [i.id, i.reason, i.message]));
        assert.deepEqual(decisions(next), decisions(full));
        full.release();
        if (next.stats.tree === 'patched') patched++;
        reused += next.stats.reused;
        // Every other retired generation stays pinned for a while, like a slow request.
        if (o.at % 2 === 0) pinned.push(current);
        else current.release();
        current = next;
        const live = new Set<FilterInstance>();
        for (const t of [current, ...pinned]) for (const r of t.routes) for (const f of r.filters) live.add(f);
        for (const f of inc.instances) {
          assert.ok(f.closed <= 1, 'closed twice');
          assert.equal(f.closed === 1, !live.has(f), live.has(f) ? 'a live instance was closed' : 'an instance no live generation holds is open');
        }
      }
      for (const t of [current, ...pinned]) t.release();
      for (const f of inc.instances) assert.equal(f.closed, 1, 'every instance closed once when all generations are released');
    }), { numRuns: 150 });
    assert.ok(patched > 100, `the tree was patched ${patched} times: the property must exercise patching, not only rebuilds`);
    assert.ok(reused > 1000, `routes were reused ${reused} times`);
  });
}
