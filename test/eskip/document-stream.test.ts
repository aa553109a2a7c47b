import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStream, parseDocument } from '../../src/eskip/index.ts';

/** Feeds `text` in pieces of `size` characters and returns what the stream parsed. */
function streamed(text: string, size: number) {
  const d = new DocumentStream({ file: 'f' });
  for (let i = 0; i < text.length; i += size) d.push(text.slice(i, i + size));
  const { routes, errors } = d.end();
  return { routes, errors: errors.map((e) => e.message) };
}

function whole(text: string) {
  const { routes, errors } = parseDocument(text, { file: 'f' });
  return { routes, errors: errors.map((e) => e.message) };
}

const tricky = [
  'a: Path("/a;b") -> setRequestHeader("X", "say \\"hi;\\"") -> <shunt>;',
  '// a comment; with a semicolon and a "quote',
  'b: PathRegexp(/^\\/x[;/]y;/) -> inlineContent(`semi;colon`) -> <shunt>;',
  'c: Path("/c") -> nope( -> <shunt>;',
  'd: Host(/a\\/b;/) && Path("/d") -> "http://127.0.0.1:1";',
].join('\n');

test('a document cut anywhere parses as it does whole: routes, positions, errors with line:col', () => {
  const expected = whole(tricky);
  assert.deepEqual(expected.routes.map((r) => r.id), ['a', 'b', 'd'], 'the fixture parses as intended');
  assert.equal(expected.errors.length, 1);
  for (const size of [1, 2, 3, 7, 16, tricky.length]) assert.deepEqual(streamed(tricky, size), expected, `pieces of ${size}`);
});

test('a document larger than a segment keeps line numbers across segments', () => {
  const lines: string[] = [];
  for (let i = 0; i < 30_000; i++) lines.push(i === 25_000 ? `r${i}: Path("/x") -> broken(;` : `r${i}: Path("/p/${i}") -> setPath("/;${i}") -> <shunt>;`);
  const text = lines.join('\n');
  const expected = whole(text);
  assert.equal(expected.routes.length, 29_999);
  assert.match(expected.errors[0]!, /^f:25001:/);
  const got = streamed(text, 65_536);
  assert.equal(got.routes.length, expected.routes.length);
  assert.deepEqual(got.errors, expected.errors);
  assert.deepEqual(got.routes[29_998]!.pos, expected.routes[29_998]!.pos);
  assert.deepEqual(got.routes.map((r) => r.id), expected.routes.map((r) => r.id));
});

test('a single route without id, and an empty document', () => {
  assert.deepEqual(streamed('Path("/") -> <shunt>', 3), whole('Path("/") -> <shunt>'));
  assert.deepEqual(streamed('', 3), { routes: [], errors: [] });
});
