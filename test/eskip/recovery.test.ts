/**
 * Route-by-route parsing: a broken route costs that route and is reported with file:line:col (and its id);
 * the others parse. The parse is linear in the input, checked by counting work, not by timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseDocument } from '../../src/eskip/index.ts';
import { parseDocumentCounting } from '../../src/eskip/parse.ts';

test('one broken route does not take the others with it', () => {
  const src = 'a: Path("/a") -> <shunt>;\nb: Path("/b" -> <shunt>;\nc: Path("/c") -> <shunt>;\n';
  const { routes, errors } = parseDocument(src, { file: 'r.eskip' });
  assert.deepEqual(routes.map((r) => r.id), ['a', 'c']);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /^r\.eskip:2:14: /);
  assert.equal(errors[0]!.routeId, 'b');
  assert.throws(() => parse(src), /2:14/);
});

test('recovery resumes at the next id when a ";" is missing, and past characters the lexer refuses', () => {
  const { routes, errors } = parseDocument('a: * -> <shunt>\nb: * -> <shunt>;\nc: Path(#) -> <shunt>;\nd: * -> <shunt>;', { file: 'f' });
  assert.deepEqual(routes.map((r) => r.id), ['a', 'b', 'd']);
  assert.deepEqual(errors.map((e) => `${e.line}:${e.col}`), ['2:1', '3:9']);
  assert.equal(errors[1]!.routeId, 'c');
});

test('an unterminated literal ends the document with one error; what came before is kept', () => {
  const { routes, errors } = parseDocument('a: * -> <shunt>;\nb: Path("/x) -> <shunt>;\nc: * -> <shunt>;');
  assert.deepEqual(routes.map((r) => r.id), ['a']);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /unterminated string/);
});

test('a document of nothing but mistakes lists a bounded number of them', () => {
  const { routes, errors } = parseDocument('x:;'.repeat(5000));
  assert.equal(routes.length, 0);
  assert.equal(errors.length, 1001);
  assert.match(errors.at(-1)!.message, /4000 more broken routes not listed/);
});

test('literals keep their escapes and long runs exactly', () => {
  const long = 'x'.repeat(100_000);
  const [r] = parse(`r: Path("${long}\\n\\"q\\\\") && PathRegexp(/a\\/b[/]c\\d/) -> <shunt>;`);
  assert.equal(r!.predicates[0]!.args[0], `${long}\n"q\\`);
  assert.equal(r!.predicates[1]!.args[0], 'a/b[/]c\\d');
});

function routes(n: number, withComment = false): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += `r${i}: Path("/p/${i}") -> setResponseHeader("X-Route", "r${i}") -> inlineContent("hello ${i}") -> <shunt>;\n`;
    if (withComment) s += `// ${i}\n`;
  }
  return s;
}

test('position tracking and literal search are linear: work per input character stays constant from n to 4n routes', () => {
  for (const comments of [false, true]) {
    const small = routes(2000, comments);
    const large = routes(8000, comments);
    const a = parseDocumentCounting(small);
    const b = parseDocumentCounting(large);
    assert.equal(a.routes.length, 2000);
    assert.equal(b.routes.length, 8000);
    // Each pass is forward-only: at most one scan for positions plus one per searched character kind.
    assert.ok(a.scanned <= 3 * small.length, `${a.scanned} characters of work for ${small.length} of input`);
    assert.ok(b.scanned <= 3 * large.length, `${b.scanned} characters of work for ${large.length} of input`);
    assert.ok(b.scanned / large.length <= (a.scanned / small.length) * 1.1, 'work per character grew with the input');
  }
});
