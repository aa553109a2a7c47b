import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EskipParseError, parse, parseFilters, parsePredicates } from '../../src/eskip/index.ts';

test('parses a document with ids, predicates, filters and every backend form', () => {
  const routes = parse(`
    // a comment
    r1: Path("/a") && Method("GET") -> setPath("/b") -> "https://example.org";
    r2: * -> <shunt>;
    r3: PathRegexp(/^\\/x[/]y$/) -> <loopback>;
    r4: Host("h") -> <dynamic>;
    r5: True() -> <forward>;
    r6: Weight(2.5) -> <consistentHash, "http://a:1", "http://b:2">;
    r7: Any() -> <"http://c:3">;
  `);
  assert.deepEqual(routes.map((r) => r.id), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  assert.deepEqual(routes[0]!.predicates, [{ name: 'Path', args: ['/a'] }, { name: 'Method', args: ['GET'] }]);
  assert.deepEqual(routes[0]!.filters, [{ name: 'setPath', args: ['/b'] }]);
  assert.equal(routes[0]!.backend, 'https://example.org');
  assert.deepEqual(routes[1]!.predicates, []);
  assert.equal(routes[1]!.backendType, 'shunt');
  assert.deepEqual(routes[2]!.predicates, [{ name: 'PathRegexp', args: ['^/x[/]y$'] }]);
  assert.equal(routes[2]!.backendType, 'loopback');
  assert.equal(routes[3]!.backendType, 'dynamic');
  assert.equal(routes[4]!.backendType, 'forward');
  assert.deepEqual(routes[5]!.predicates, [{ name: 'Weight', args: [2.5] }]);
  assert.equal(routes[5]!.lbAlgorithm, 'consistentHash');
  assert.deepEqual(routes[5]!.lbEndpoints, [{ address: 'http://a:1' }, { address: 'http://b:2' }]);
  assert.equal(routes[6]!.lbAlgorithm, '');
  assert.deepEqual(routes[6]!.predicates, []);
});

test('string escapes follow Skipper: known escapes decode, others keep the backslash', () => {
  const [r] = parse('r: * -> f("a\\"b", "c\\\\d", "e\\nf", "g\\.h", `i\\`j`) -> <shunt>');
  assert.deepEqual(r!.filters[0]!.args, ['a"b', 'c\\d', 'e\nf', 'g\\.h', 'i`j']);
});

test('regexp literals: \\/ becomes /, other escapes stay, / inside [] does not end it', () => {
  const [r] = parse('r: PathRegexp(/a\\/b\\.c[/]d/) -> <shunt>');
  assert.deepEqual(r!.predicates[0]!.args, ['a/b\\.c[/]d']);
});

test('numbers are float64; a single route without id gets the empty id', () => {
  const [r] = parse('Traffic(.25) && Weight(10) -> <shunt>');
  assert.equal(r!.id, '');
  assert.deepEqual(r!.predicates.map((p) => p.args[0]), [0.25, 10]);
});

test('semicolons: trailing, repeated and leading are accepted; empty input is an empty list', () => {
  assert.equal(parse(';a: * -> <shunt>;; b: * -> <shunt>;').length, 2);
  assert.deepEqual(parse(''), []);
  assert.deepEqual(parse('  // only a comment\n'), []);
});

test('routes record their position', () => {
  const rs = parse('a: * -> <shunt>;\n  b: * -> <shunt>', { file: 'r.eskip' });
  assert.deepEqual(rs[1]!.pos, { file: 'r.eskip', line: 2, col: 3 });
});

test('Host("*.x") becomes Skipper\'s wildcard regexp', () => {
  const [r] = parse('a: Host("*.example.org") -> <shunt>');
  assert.deepEqual(r!.predicates[0]!.args, ['[a-z0-9]+((-[a-z0-9]+)?)*.example.org']);
});

const broken: Array<[string, RegExp]> = [
  ['a: Path("/") -> ;', /^f\.eskip:1:17: expected a filter or a backend/],
  ['a: Path("/")\n  "x"', /^f\.eskip:2:3: expected "->"/],
  ['a: Path("/) -> <shunt>', /^f\.eskip:1:9: unterminated string/],
  ['a: * -> <shunt> b: * -> <shunt>', /^f\.eskip:1:17: expected ";" between routes/],
  ['a: Path(1.) -> <shunt>', /incomplete number/],
  ['a: Path("/a") && Path("/b") -> <shunt>', /duplicate path tree predicate/],
  ['a: Method("GET") && Method("PUT") -> <shunt>', /duplicate method predicate/],
  ['a: Header("X", "1") && Header("X", "2") -> <shunt>', /duplicate header predicate: X/],
  ['a: Path(3) -> <shunt>', /Path predicate expects 1 string argument/],
  ['a: * -> <roundRobin, "http://a", "https://b">', /mixed protocols/],
  ['a: * -> <roundRobin>', /expected ","/],
  ['a: * -> # <shunt>', /unexpected character "#"/],
  ['a: * -> x & y', /expected "&&"/],
];

for (const [src, re] of broken) {
  test(`rejects ${JSON.stringify(src)}`, () => {
    assert.throws(() => parse(src, { file: 'f.eskip' }), (err: unknown) => err instanceof EskipParseError && re.test(err.message));
  });
}

test('fragment forms used by annotations', () => {
  assert.deepEqual(parsePredicates('Method("GET") && * && Header("X", "y")'), [
    { name: 'Method', args: ['GET'] },
    { name: 'Header', args: ['X', 'y'] },
  ]);
  assert.deepEqual(parsePredicates('  '), []);
  assert.deepEqual(parseFilters('a(1) -> b("x", /r/)'), [{ name: 'a', args: [1] }, { name: 'b', args: ['x', 'r'] }]);
  assert.deepEqual(parseFilters('// nothing'), []);
  assert.throws(() => parseFilters('a() -> '), EskipParseError);
  assert.throws(() => parsePredicates('A() -> b()'), EskipParseError);
});
