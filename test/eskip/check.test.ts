/**
 * checkDocument (`skipjack-eskip check`): the same verdict as parseDocument — the same errors at the same
 * file:line:col, the same count of routes — while keeping nothing: no route list, no interned strings or calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ParseTables, checkDocument, parseDocument } from '../../src/eskip/index.ts';

const broken = [
  'a: Path("/a") && Host("*.example.org") -> setPath("/x") -> <roundRobin, "http://10.0.0.1:80", "http://10.0.0.2:80">;',
  'b: Path("/b" -> <shunt>;',
  'c: Path("/c") && Path("/d") -> <shunt>;',
  'd: * -> <"http://a:1", "https://b:2">;',
  'e: Header("X", "1") && Header("X", "2") -> "http://e";',
  'f: Path(#) -> <shunt>;',
  'g: Method("GET") -> status(200) -> inlineContent("ok\\n") -> <shunt>',
  'h: * -> <"not a url">;',
].join('\n');

test('check reports what parseDocument reports, at the same positions, and counts the routes', () => {
  const parsed = parseDocument(broken, { file: 'r.eskip', firstLine: 3 });
  const checked = checkDocument(broken, { file: 'r.eskip', firstLine: 3 });
  assert.equal(checked.routes, parsed.routes.length);
  assert.equal(checked.routes, 2);
  assert.deepEqual(checked.errors.map((e) => [e.message, e.routeId]), parsed.errors.map((e) => [e.message, e.routeId]));
  assert.equal(checked.errors.length, 7);
  assert.match(checked.errors[0]!.message, /^r\.eskip:4:14: /);
  assert.deepEqual(checkDocument('x:;'.repeat(3000)).errors.length, parseDocument('x:;'.repeat(3000)).errors.length);
  // A single route without id, as parseDocument takes it.
  assert.equal(checkDocument('Path("/") -> <shunt>').routes, 1);
});

test('check keeps nothing: no strings interned, however many distinct values the routes hold', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `r${i}: Path("/p/${i}") -> setResponseHeader("X-Route", "r${i}") -> <shunt>;`).join('\n');
  const kept = new ParseTables(text.length);
  parseDocument(text, { tables: kept });
  assert.ok(kept.strings.size >= 4000, `${kept.strings.size} strings kept by a parse`);
  const dropped = ParseTables.discarding();
  assert.equal(checkDocument(text, { tables: dropped }).routes, 2000);
  assert.equal(dropped.strings.size, 0);
});

test('an LB backend with several mistakes reports the one a one-pass parse meets first', () => {
  const first = (src: string) => parseDocument(src).errors.map((e) => e.message);
  // The invalid endpoint comes before the character the lexer refuses: the endpoint is reported.
  assert.deepEqual(first('a: * -> <"bad", "http://x" #>;'), ['1:10: invalid endpoint URL "bad"']);
  // The refused character directly follows the invalid endpoint: it is read first and reported.
  assert.deepEqual(first('a: * -> <"http://x", "bad" #>;'), ['1:28: unexpected character "#"']);
  assert.deepEqual(first('a: * -> <"http://x", "bad" "y">;'), ['1:22: invalid endpoint URL "bad"']);
  assert.deepEqual(first('a: * -> <"http://x", "https://y", 1>;'), ['1:22: load balanced endpoints cannot have mixed protocols']);
  // Routes of one service share one list; a later route's list is found by its texts.
  const { routes } = parseDocument('a: * -> <"http://x", "http://y">; b: * -> <"http://x", "http://y">; c: * -> <"http://y", "http://x">;');
  assert.equal(routes[0]!.lbEndpoints, routes[1]!.lbEndpoints);
  assert.notEqual(routes[0]!.lbEndpoints, routes[2]!.lbEndpoints);
  assert.deepEqual(routes[2]!.lbEndpoints!.map((e) => e.address), ['http://y', 'http://x']);
  // A zone moves out of the address: the list is told apart by its texts, not its addresses.
  const zoned = parseDocument('a: * -> <"http://x?zone=z1", "http://y">; b: * -> <"http://x", "http://y">; c: * -> <"http://x?zone=z1", "http://y">; d: * -> <"http://x", "http://y">;').routes;
  assert.deepEqual(zoned.map((r) => r.lbEndpoints![0]!.zone), ['z1', undefined, 'z1', undefined]);
  assert.equal(zoned[0]!.lbEndpoints, zoned[2]!.lbEndpoints);
  assert.equal(zoned[1]!.lbEndpoints, zoned[3]!.lbEndpoints);
  assert.notEqual(zoned[0]!.lbEndpoints, zoned[1]!.lbEndpoints);
});

test('arbitrary input: check gives parseDocument\'s errors and route count', () => {
  const tokens = fc.constantFrom('a', 'b:', ':', '->', '&&', '(', ')', '"x"', '"http://h:1"', '"https://h"', '"bad url"', '"h?zone=z"',
    'Path', 'Host', 'Header', '"*.x"', '/r/', '1.5', '<', '>', '<rr,', ',', ';', '*', '<shunt>', ' ', '\n', '#');
  const input = fc.array(tokens, { maxLength: 40 }).map((t) => t.join(' '));
  fc.assert(
    fc.property(input, (s) => {
      const parsed = parseDocument(s, { file: 'f' });
      const checked = checkDocument(s, { file: 'f' });
      assert.equal(checked.routes, parsed.routes.length);
      assert.deepEqual(checked.errors.map((e) => e.message), parsed.errors.map((e) => e.message));
    }),
    { numRuns: 1000 },
  );
});
