import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type RouteDef } from '../../src/eskip/index.ts';
import { RouteReceiver, routeParts } from '../../src/server/workers.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';

// 40 routes of 4 hosts, written host by host round-robin (as a generated file or a big cluster interleaves
// them): each host's Host() call, setRequestHeader() and endpoint list are one object in the parse, and the
// routes that share them land in different parts of 5.
const text = Array.from({ length: 40 }, (_, i) => {
  const h = i % 4;
  const backend = h % 2 === 0 ? `"http://10.0.0.${h}:8080"` : `<roundRobin, "http://10.0.1.${h}:8080", "http://10.0.2.${h}:8080">`;
  return `r${i}: Host("^app${h}[.]example[.]org$") && Path("/p${i}") -> setRequestHeader("X-App", "app${h}") -> setResponseHeader("X-Route", "r${i}") -> ${backend};`;
}).join('\n');

function received(defs: RouteDef[]): RouteDef[] {
  let got: RouteDef[] | null = null;
  const r = new RouteReceiver((d) => (got = d), () => assert.fail('no resync expected'));
  // Each part cloned on its own, as IPC clones each message.
  for (const m of routeParts(1, -1, { hunks: [{ at: 0, remove: 0, insert: defs.length }], inserted: defs }, 5)) r.receive(structuredClone(m));
  assert.ok(got !== null, 'the list was applied');
  return got;
}

test('a transfer in parts gives the worker the definitions, sharing each call and endpoint list as the primary does', () => {
  const defs = parse(text, { file: 'routes.eskip' });
  assert.equal(defs.length, 40);
  // The parse shares a host's calls: the precondition of what is checked below.
  assert.equal(defs[0]!.predicates[0], defs[4]!.predicates[0]);
  const got = received(defs);
  assert.deepEqual(got, defs);
  for (let i = 0; i < 40; i++) {
    for (let j = i + 1; j < 40; j++) {
      const [a, b] = [defs[i]!, defs[j]!];
      const [x, y] = [got[i]!, got[j]!];
      assert.equal(x.predicates[0] === y.predicates[0], a.predicates[0] === b.predicates[0], `Host() of r${i}, r${j}`);
      assert.equal(x.filters[0] === y.filters[0], a.filters[0] === b.filters[0], `setRequestHeader() of r${i}, r${j}`);
      assert.equal(x.filters[1] === y.filters[1], a.filters[1] === b.filters[1], `setResponseHeader() of r${i}, r${j}`);
      if (a.lbEndpoints !== undefined && b.lbEndpoints !== undefined) assert.equal(x.lbEndpoints === y.lbEndpoints, a.lbEndpoints === b.lbEndpoints, `endpoints of r${i}, r${j}`);
    }
  }
  for (const d of got) {
    for (const c of [...d.predicates, ...d.filters]) assert.ok(Object.isFrozen(c) && Object.isFrozen(c.args), `${d.id}: ${c.name} frozen as parsed`);
    if (d.lbEndpoints !== undefined) assert.ok(Object.isFrozen(d.lbEndpoints) && d.lbEndpoints.every((e) => Object.isFrozen(e)), `${d.id}: endpoints frozen`);
  }
});

test('a worker compiling a transferred list makes one filter instance per distinct call, as the process that parsed it does', () => {
  const opts = { predicates: builtinPredicates(), filters: builtinFilters() };
  const distinct = (defs: RouteDef[]) => {
    const t = compileRoutes(defs, opts);
    assert.equal(t.invalid.length, 0);
    return new Set(t.routes.map((r) => r.filters[0])).size;
  };
  const defs = parse(text, { file: 'routes.eskip' });
  assert.equal(distinct(defs), 4, 'one setRequestHeader instance per host in the parsing process');
  assert.equal(distinct(received(defs)), 4, 'and in the worker');
});

test('a transfer refers only to calls it sent: a part out of its transfer is refused with the reason', () => {
  const defs = parse(text);
  const parts = routeParts(1, -1, { hunks: [{ at: 0, remove: 0, insert: defs.length }], inserted: defs }, 5);
  const r = new RouteReceiver(() => assert.fail('nothing applied'), () => {});
  // The second part alone, presented as the first (a receiver that lost the first part's calls).
  const second = structuredClone({ ...parts[1]!, hunks: [{ at: 0, remove: 0, insert: defs.length }] });
  assert.throws(() => r.receive(second), /route transfer: call \d+ was not sent/);
});

test('calls sharing one argument list, and definitions sharing one position, arrive whole', () => {
  const args = ['X-Shared', 'v'];
  const pos = { file: 'routes.eskip', line: 1, col: 1 };
  const defs: RouteDef[] = Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, predicates: [{ name: 'Header', args }],
    filters: [{ name: 'setRequestHeader', args }, { name: 'setResponseHeader', args }], backendType: 'shunt', pos }));
  const got = received(defs);
  assert.deepEqual(got, defs);
  assert.equal(got[0]!.filters[0]!.args, got[0]!.filters[1]!.args, 'one list within a part, as sent');
  // Sent unfrozen (as the Kubernetes conversion makes calls), they stay so: the compile gives them instances of their own.
  assert.ok(!Object.isFrozen(got[0]!.filters[0]!.args) && !Object.isFrozen(got[0]!.filters[0]), 'unfrozen as sent');
});
