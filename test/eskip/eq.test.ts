import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLists, eqLists, parse } from '../../src/eskip/index.ts';

const eq = (a: string, b: string) => eqLists(parse(a), parse(b));

test('predicates compare as a name-sorted multiset; regexp equals string', () => {
  assert.ok(eq('a: Host(/^x$/) && Path("/") -> <shunt>', 'a: Path("/") && Host("^x$") -> <shunt>'));
  assert.ok(!eq('a: True() && True() -> <shunt>', 'a: True() -> <shunt>'));
  assert.ok(eq('a: Traffic(0.1) && Traffic(0.6) && Host("x") -> <shunt>', 'a: Host("x") && Traffic(0.1) && Traffic(0.6) -> <shunt>'));
  assert.ok(!eq('a: Traffic(0.1) && Traffic(0.6) -> <shunt>', 'a: Traffic(0.6) && Traffic(0.1) -> <shunt>'));
  assert.ok(eq('a: * -> <shunt>', 'a: Any() -> <shunt>'));
});

test('argument types matter: number is not string', () => {
  assert.ok(!eq('a: Traffic(0.5) -> <shunt>', 'a: Traffic("0.5") -> <shunt>'));
});

test('filters compare in order', () => {
  assert.ok(!eq('a: * -> f() -> g() -> <shunt>', 'a: * -> g() -> f() -> <shunt>'));
  assert.ok(eq('a: * -> f(1) -> g("x") -> <shunt>', 'a: * -> f(1) -> g("x") -> <shunt>'));
});

test('backends: network exactly, special types by type, LB by algorithm and sorted endpoints', () => {
  assert.ok(!eq('a: * -> "http://x"', 'a: * -> "http://x/"'));
  assert.ok(eq('a: * -> <roundRobin, "http://b", "http://a">', 'a: * -> <roundRobin, "http://a", "http://b">'));
  assert.ok(!eq('a: * -> <"http://a", "http://b">', 'a: * -> <roundRobin, "http://a", "http://b">'));
  assert.ok(!eq('a: * -> <roundRobin, "http://a", "http://a">', 'a: * -> <roundRobin, "http://a">'));
  assert.ok(!eq('a: * -> <shunt>', 'a: * -> <loopback>'));
});

test('lists: sorted by id, equal length, duplicate ids never equal', () => {
  assert.ok(eq('a: * -> <shunt>; b: * -> <loopback>', 'b: * -> <loopback>; a: * -> <shunt>'));
  assert.ok(!eq('a: * -> <shunt>', 'a: * -> <shunt>; b: * -> <shunt>'));
  assert.ok(!eq('a: * -> <shunt>; a: * -> <shunt>', 'a: * -> <shunt>; a: * -> <shunt>'));
  assert.deepEqual(diffLists(parse('a: * -> <shunt>; c: * -> <shunt>'), parse('a: * -> "http://x"; b: * -> <shunt>')), [
    '~ a: backend type shunt != network',
    '- only in the first: c',
    '+ only in the second: b',
  ]);
});

test('eqLists agrees with diffLists: reordered, missing, extra, changed and duplicate ids', () => {
  const base = parse('a: Path("/a") -> <shunt>; b: Method("GET") && Path("/b") -> "http://x"; c: * -> <roundRobin, "http://b", "http://a">;');
  const cases: [string, string][] = [
    ['reordered, predicates and endpoints in another order', 'c: * -> <roundRobin, "http://a", "http://b">; b: Path("/b") && Method("GET") -> "http://x"; a: Path("/a") -> <shunt>;'],
    ['one missing', 'a: Path("/a") -> <shunt>; b: Method("GET") && Path("/b") -> "http://x";'],
    ['one extra', 'a: Path("/a") -> <shunt>; b: Method("GET") && Path("/b") -> "http://x"; c: * -> <roundRobin, "http://b", "http://a">; d: * -> <shunt>;'],
    ['one changed', 'a: Path("/a") -> <shunt>; b: Method("GET") && Path("/b") -> "http://y"; c: * -> <roundRobin, "http://b", "http://a">;'],
    ['a duplicate id in place of another', 'a: Path("/a") -> <shunt>; a: Path("/a") -> <shunt>; c: * -> <roundRobin, "http://b", "http://a">;'],
  ];
  for (const [name, text] of cases) {
    const other = parse(text);
    for (const [x, y] of [[base, other], [other, base]] as const) assert.equal(eqLists(x, y), diffLists(x, y).length === 0, name);
  }
  assert.equal(eqLists(base, parse(cases[0]![1])), true);
});
