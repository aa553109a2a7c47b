/**
 * Property: indexing routes by hostname never changes a decision. The same routes are compiled once with
 * literal Host patterns (indexed) and once with an equivalent pattern the index cannot read (scanned), and
 * must select the same route for any request. Also: a selected route's own predicates all accept the request.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { CompiledRouteTable } from '../../src/routing/table.ts';
import { parse } from '../../src/eskip/index.ts';
import { Registry } from '../../src/registry.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import type { RoutingRequest } from '../../src/routing/types.ts';

const hosts = ['a.org', 'b.org', 'c.org'];
const paths = ['/', '/x', '/x/', '/x/y', '/x/:id', '/x/*rest', '/y/:id/z'];
const methods = ['GET', 'POST'];

const routeArb = fc.record({
  host: fc.option(fc.constantFrom(...hosts), { nil: undefined }),
  // Which optional parts follow the name: the Kubernetes form has both (the index key decides it), the
  // bare form none (the key decides it when the Host is the key itself), the others one.
  form: fc.constantFrom('[.]?(:[0-9]+)?', '', '[.]?', '(:[0-9]+)?'),
  path: fc.option(fc.record({ p: fc.constantFrom(...paths), subtree: fc.boolean() }), { nil: undefined }),
  method: fc.option(fc.constantFrom(...methods), { nil: undefined }),
  weight: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});

const requestArb = fc.record({
  host: fc.constantFrom('a.org', 'b.org:8080', 'c.org.', 'd.org', 'A.org', 'a.org.:80', 'b.org:', 'c.org.:', 'a.orgx'),
  path: fc.constantFrom('/', '/x', '/x/', '/x/y', '/x/q', '/x/q/r', '/y/1/z', '/z'),
  method: fc.constantFrom(...methods),
});

type GenRoute = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

function defs(routes: GenRoute[], literal: boolean): RouteDef[] {
  return routes.map((r, i) => {
    const predicates: RouteDef['predicates'] = [];
    if (r.host !== undefined) {
      const lit = r.host.replace('.', '[.]') + r.form;
      predicates.push({ name: 'Host', args: [literal ? `^(${lit})$` : `^(?:${lit})$`] });
    }
    if (r.path !== undefined) {
      predicates.push({ name: r.path.subtree ? 'PathSubtree' : 'Path', args: [r.path.p] });
    }
    if (r.method !== undefined) predicates.push({ name: 'Method', args: [r.method] });
    if (r.weight !== undefined) predicates.push({ name: 'Weight', args: [r.weight] });
    return { id: `r${i}`, predicates, filters: [], backendType: 'shunt' };
  });
}

test('host indexing selects exactly what scanning selects', () => {
  const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter') };
  fc.assert(fc.property(fc.array(routeArb, { minLength: 1, maxLength: 30 }), fc.array(requestArb, { minLength: 1, maxLength: 10 }), (routes, reqs) => {
    const indexed = compileRoutes(defs(routes, true), opts);
    const scanned = compileRoutes(defs(routes, false), opts);
    for (const q of reqs) {
      const mk = (): RoutingRequest => ({ ...q, rawQuery: '', headers: {}, remoteAddress: '10.0.0.1' });
      const a = indexed.lookup(mk());
      const b = scanned.lookup(mk());
      assert.equal(a?.route.id, b?.route.id);
      if (a !== null) {
        for (const p of a.route.def.predicates) {
          assert.ok(opts.predicates.get(p.name)!.create(p.args).match(mk()), `${a.route.id}: ${p.name}(${p.args.join(',')}) accepts ${q.host}${q.path}`);
        }
      }
    }
  }), { numRuns: 300 });
});

test('a route whose only matcher is the host the index found it under matches without its matcher list being read', () => {
  const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter') };
  const t = compileRoutes(parse([0, 1, 2, 3, 4].map((i) => `r${i}: Host("^(h${i}[.]org[.]?(:[0-9]+)?)$") && Path("/x") -> <shunt>;`).join('\n')
    + '\nm: Host("^(h9[.]org[.]?(:[0-9]+)?)$") && Path("/x") && Method("GET") -> <shunt>;'), opts);
  let reads = 0;
  for (const e of CompiledRouteTable.stateOf(t)!.compiled) {
    const ms = e.matchers;
    (e as { matchers: unknown }).matchers = new Proxy(ms, { get: (o, k) => (reads++, Reflect.get(o, k)) });
  }
  const req = (host: string, method = 'GET'): RoutingRequest => ({ method, host, path: '/x', rawQuery: '', headers: {}, remoteAddress: '10.0.0.1' });
  assert.equal(t.lookup(req('h3.org:8080'))?.route.id, 'r3');
  assert.equal(t.lookup(req('h0.org.'))?.route.id, 'r0');
  assert.equal(reads, 0);
  // A route with another matcher still has it evaluated.
  assert.equal(t.lookup(req('h9.org', 'POST')), null);
  assert.ok(reads > 0);
});
