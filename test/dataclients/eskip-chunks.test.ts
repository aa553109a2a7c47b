import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../src/eskip/index.ts';
import { ChunkedDocument } from '../../src/dataclients/eskip-chunks.ts';

const FILE = 'routes.eskip';

function route(i: number): string {
  switch (i % 6) {
    case 0: return `r${i}: Path("/p/${i}") -> setResponseHeader("X-I", "${i};x") -> inlineContent("ok ${i}") -> <shunt>;\n`;
    case 1: return `// comment; with "quote\nr${i}: PathRegexp(/^\\/re;${i}[;\\/]/) -> "http://127.0.0.1:${1000 + i}";\n`;
    case 2: return `r${i}: Host("h${i}.example") && Header("A", "b\\"c;") -> <shunt>; // trailing; comment\n`;
    case 3: return `r${i}: * -> status(204) -> <shunt>; s${i}: Path("/s${i}") -> <shunt>;\n`;
    case 4: return `r${i}:\n  Method("GET")\n  -> inlineContent(\`raw;\nstring\`)\n  -> <shunt>;\n\n`;
    default: return `r${i}: PathSubtree("/t${i}") -> <"http://a:1", "http://b:2">;\n`;
  }
}

function document(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += route(i);
  return s;
}

/** What a whole-document parse gives, in a comparable form. */
function expected(text: string): unknown {
  const { routes, errors } = parseDocument(text, { file: FILE });
  return { routes: JSON.parse(JSON.stringify(routes)), errors: errors.map((e) => e.message) };
}

function actual(d: ChunkedDocument, text: string): { view: unknown; reparsed: number; routes: ReturnType<ChunkedDocument['parse']>['routes'] } {
  const r = d.parse(Buffer.from(text));
  return { view: { routes: JSON.parse(JSON.stringify(r.routes)), errors: r.errors.map((e) => e.message) }, reparsed: r.reparsedBytes, routes: r.routes };
}

test('a chunked parse gives what a whole-document parse gives, version after version', () => {
  const base = document(3000);
  const at = (needle: string): number => {
    const i = base.indexOf(needle);
    assert.ok(i >= 0, needle);
    return i;
  };
  const mid = at('r1500:');
  const edits: [string, (t: string) => string][] = [
    ['change in the middle', (t) => t.replace('"/p/1500"', '"/p/changed"')],
    ['change at the start', (t) => t.replace('r0: Path("/p/0")', 'r0: Path("/p/zero")')],
    ['change at the end', (t) => t.replace('"/t2999"', '"/t-last"')],
    ['a broken route inserted', (t) => t.slice(0, mid) + 'broken: Path("/b" -> <shunt>;\n' + t.slice(mid)],
    ['lines added before many routes', (t) => t.slice(0, at('r30:')) + '\n\n// two more lines\n' + t.slice(at('r30:'))],
    ['a route removed', (t) => t.replace(route(1501), '')],
    ['an unterminated string opened', (t) => t.slice(0, mid) + 'open: Path("/never-closed -> <shunt>;\n' + t.slice(mid)],
    ['appended', (t) => `${t}extra: * -> <shunt>;\n`],
    ['truncated', (t) => t.slice(0, at('r2000:'))],
    ['garbage at a chunk start', (t) => t.slice(0, mid) + 'garbage -> <shunt>;\n' + t.slice(mid)],
    ['no change', (t) => t],
    ['non-ASCII text', (t) => t.replace('"ok 12"', '"ökö 12 ✓"')],
  ];
  for (const [name, edit] of edits) {
    const d = new ChunkedDocument(FILE);
    assert.deepEqual(actual(d, base).view, expected(base), `${name}: first version`);
    const next = edit(base);
    const got = actual(d, next);
    assert.deepEqual(got.view, expected(next), name);
    // And again from there: the chunk bookkeeping after the edit is right too.
    const again = next.replace('"/t2993"', '"/t-again"');
    assert.deepEqual(actual(d, again).view, expected(again), `${name}, then another change`);
  }
});

test('a one-route change parses a few kB again and keeps every other definition object', () => {
  const text = document(20000);
  const d = new ChunkedDocument(FILE);
  const first = d.parse(Buffer.from(text)).routes;
  const next = text.replace('"/p/9000"', '"/p/changed"');
  const r = d.parse(Buffer.from(next));
  assert.ok(r.reparsedBytes < 64 * 1024, `re-parsed ${r.reparsedBytes} of ${next.length} bytes`);
  assert.equal(r.routes.length, first.length);
  const changed = r.routes.filter((def, i) => def !== first[i]);
  assert.deepEqual(changed.map((def) => def.id), ['r9000']);
  // A line added near the start moves the positions of the routes after it, in place.
  const moved = `\n${next}`;
  const m = d.parse(Buffer.from(moved));
  assert.deepEqual(JSON.parse(JSON.stringify(m.routes)), JSON.parse(JSON.stringify(parseDocument(moved, { file: FILE }).routes)));
  assert.ok(m.routes.filter((def, i) => def !== r.routes[i]).length <= 10, 'objects kept across a line shift');
});

test('a sliced chunked parse returns to the event loop between chunks and gives what parse gives; chunks share calls', async () => {
  const text = document(3000);
  const whole = expected(text);
  let yields = 0;
  let timerRan = false;
  let ranBeforeEnd = false;
  setTimeout(() => (timerRan = true), 0);
  const d = new ChunkedDocument(FILE);
  const r = await d.parseSliced(Buffer.from(text), { sliceMs: 0, onYield: () => yields++ }).then((x) => ((ranBeforeEnd = timerRan), x));
  assert.ok(yields >= Math.floor(text.length / (16 * 1024)), `yielded ${yields} times for ${text.length} bytes`);
  assert.ok(ranBeforeEnd);
  assert.deepEqual({ routes: JSON.parse(JSON.stringify(r.routes)), errors: r.errors.map((e) => e.message) }, whole);
  // r0 and r3000-ish are in different chunks; status(204) is one object across them.
  const statuses = r.routes.filter((x) => x.filters[0]?.name === 'status').map((x) => x.filters[0]);
  assert.ok(statuses.length > 100);
  assert.ok(statuses.every((f) => f === statuses[0]), 'equal calls in different chunks are one object');
});
