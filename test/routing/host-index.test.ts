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
  // A route with one more matcher has it evaluated (through RouteEntry.next), still without its list.
  assert.equal(t.lookup(req('h9.org', 'POST')), null);
  assert.equal(t.lookup(req('h9.org:80'))?.route.id, 'm');
  assert.equal(reads, 0);
});

test('a route found under its host key with one more matcher evaluates it without reading its list; with two more, the list', () => {
  const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter') };
  const kube = (h: string) => `Host("^(${h}[.]org[.]?(:[0-9]+)?)$")`;
  const t = compileRoutes(parse([0, 1, 2, 3].map((i) => `r${i}: ${kube(`h${i}`)} && Path("/y") -> <shunt>;`).join('\n') + `
    one: ${kube('h9')} && Path("/y") && Header("X-A", "1") -> <shunt>;
    exact: Host("^h8[.]org$") && Path("/y") && Method("PUT") -> <shunt>;
    two: ${kube('h7')} && Path("/y") && Method("GET") && Header("X-A", "1") -> <shunt>;
    g: Path("/y") -> <shunt>;`), opts);
  const read = new Map<string, number>();
  for (const e of CompiledRouteTable.stateOf(t)!.compiled) {
    const ms = e.matchers;
    (e as { matchers: unknown }).matchers = new Proxy(ms, { get: (o, k) => (read.set(e.route.id, (read.get(e.route.id) ?? 0) + 1), Reflect.get(o, k)) });
  }
  const req = (host: string, method: string, headers: Record<string, string>): RoutingRequest => ({ method, host, path: '/y', rawQuery: '', headers, remoteAddress: '10.0.0.1' });
  assert.equal(t.lookup(req('h9.org:443', 'GET', { 'x-a': '1' }))?.route.id, 'one');
  assert.equal(t.lookup(req('h9.org', 'GET', {}))?.route.id, 'g');
  assert.equal(t.lookup(req('h8.org', 'PUT', {}))?.route.id, 'exact');
  assert.equal(t.lookup(req('h8.org', 'GET', {}))?.route.id, 'g');
  assert.equal(read.get('one'), undefined);
  assert.equal(read.get('exact'), undefined);
  // The Host is not the key itself: the exact-host route's own Host matcher decides, read from its list.
  assert.equal(t.lookup(req('h8.org:80', 'PUT', {}))?.route.id, 'g');
  assert.ok(read.get('exact')! > 0);
  assert.equal(t.lookup(req('h7.org', 'GET', { 'x-a': '1' }))?.route.id, 'two');
  assert.equal(t.lookup(req('h7.org', 'GET', {}))?.route.id, 'g');
  assert.ok(read.get('two')! > 0);
});
