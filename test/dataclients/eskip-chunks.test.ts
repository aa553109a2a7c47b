import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../src/eskip/index.ts';
import { ChunkedDocument, scanCuts } from '../../src/dataclients/eskip-chunks.ts';
import { applyDelta } from '../../src/server/route-delta.ts';

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

test('a re-parse says how its list differs from the previous one: the changed definitions only, which applied to that list give the new one', () => {
  const text = document(20000);
  const d = new ChunkedDocument(FILE);
  const first = d.parse(Buffer.from(text));
  assert.equal(first.change, undefined, 'a first parse has nothing to differ from');
  const cases: [string, string, string[], number[]][] = [
    ['one route changed', text.replace('"/p/9000"', '"/p/changed"'), ['r9000'], [1]],
    ['one route added', text.replace(route(9001), `${route(9001)}added: * -> <shunt>;\n`), ['added'], [0]],
    ['one route removed', text.replace(route(9006), ''), [], [1]],
    ['a broken route', text.replace('"/p/9012"', '"/p/9012'), [], [1]],
    // Both in one chunk: the unchanged routes between them are not sent again.
    ['two routes a few apart', text.replace('"/p/9000"', '"/p/a"').replace('"/p/9024"', '"/p/b"'), ['r9000', 'r9024'], [1, 1]],
  ];
  let prev = first.routes;
  let prevText = text;
  for (const [name, next, inserted, removed] of cases) {
    const r = d.parse(Buffer.from(next));
    assert.ok(r.change !== undefined, name);
    assert.equal(r.change.from, prev, `${name}: the change starts from the list the previous parse gave`);
    assert.deepEqual(r.change.inserted.map((x) => x.id), inserted, name);
    assert.deepEqual(r.change.hunks.map((h) => h.remove), removed, name);
    // Applied as a worker applies the delta it is sent.
    const got = applyDelta(prev, { hunks: [...r.change.hunks], inserted: [...r.change.inserted] });
    assert.equal(got.length, r.routes.length, name);
    assert.ok(got.every((x, i) => x === r.routes[i]), `${name}: the change applied gives the new list, object for object`);
    // Back to the previous text: a change the other way.
    const back = d.parse(Buffer.from(prevText));
    assert.ok(back.change !== undefined && back.change.from === r.routes, `${name}, undone`);
    assert.ok(applyDelta(r.routes, { hunks: [...back.change.hunks], inserted: [...back.change.inserted] }).every((x, i) => x === back.routes[i]), `${name}, undone: applied`);
    prev = back.routes;
  }
  const same = d.parse(Buffer.from(text));
  assert.equal(same.unchanged, true);
  assert.equal(same.change, undefined, 'no change for the same bytes');
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


// The byte scanner before it skipped tokens by loops of their own (a switch over a mode per byte): the reference
// the current one must agree with, cut point for cut point.
const TOP = 0;
const SLASH = 1;
const COMMENT = 2;
const DQUOTE = 3;
const BACKTICK = 4;
const REGEXP = 5;
const CLASS = 6;

/**
 * Scans `buf` from `from` (a cut point: top level, after a `;`) and calls `cut(at, lines)` at every cut point
 * past it (the offset after the newline, and the newlines seen from `from`); scanning stops when `cut` returns
 * true. Returns the newlines up to where it stopped (the end of the buffer when `cut` never stopped it).
 */
function referenceScanCuts(buf: Buffer, from: number, cut: (at: number, lines: number) => boolean): number {
  let mode = TOP;
  let escaped = false;
  let clean = true;
  let lines = 0;
  const n = buf.length;
  for (let i = from; i < n; i++) {
    const c = buf[i]!;
    if (c === 10) lines++;
    switch (mode) {
      case TOP:
        if (c === 10) {
          if (clean && cut(i + 1, lines)) return lines;
        } else if (c === 59) clean = true;
        else if (c === 34) (mode = DQUOTE), (clean = false);
        else if (c === 96) (mode = BACKTICK), (clean = false);
        else if (c === 47) mode = SLASH;
        else if (c !== 32 && c !== 9 && c !== 13) clean = false;
        break;
      case SLASH:
        if (c === 47) mode = COMMENT;
        else {
          mode = REGEXP;
          clean = false;
          i--; // this byte is the regexp's first
          if (c === 10) lines--;
        }
        break;
      case COMMENT:
        if (c === 10) {
          mode = TOP;
          if (clean && cut(i + 1, lines)) return lines;
        }
        break;
      case DQUOTE:
      case BACKTICK:
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === (mode === DQUOTE ? 34 : 96)) mode = TOP;
        break;
      case REGEXP:
      case CLASS:
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (mode === REGEXP && c === 91) mode = CLASS;
        else if (mode === CLASS && c === 93) mode = REGEXP;
        else if (mode === REGEXP && c === 47) mode = TOP;
        break;
    }
  }
  return lines;
}


test('the cut-point scanner agrees with the mode-per-byte reference on random text of eskip\'s special bytes', () => {
  let seed = 42;
  const rand = (k: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % k;
  const alphabet = ['a', ' ', '\n', '\n', ';', ';', '"', '`', '/', '/', '\\', '[', ']', '\t', '\r', 'x', '\n'];
  let cuts = 0;
  for (let t = 0; t < 4000; t++) {
    let s = '';
    const len = rand(120);
    for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)];
    const buf = Buffer.from(s);
    const from = rand(3) === 0 ? rand(len + 1) : 0;
    const stopAt = rand(4);
    const run = (scan: typeof scanCuts) => {
      const seen: [number, number][] = [];
      const lines = scan(buf, from, (at, l) => (seen.push([at, l]), seen.length === stopAt));
      return { seen, lines };
    };
    const want = run(referenceScanCuts);
    cuts += want.seen.length;
    assert.deepEqual(run(scanCuts), want, JSON.stringify({ s, from, stopAt }));
  }
  assert.ok(cuts > 1000, `only ${cuts} cut points in the sample`);
});

test('bytes patched in place over the version parsed last, given without their difference, are parsed whole', () => {
  // file-buffers.ts patches the held bytes in place: compared with themselves they would look unchanged.
  const v1 = document(300);
  const v2 = v1.replace('inlineContent("ok 6")', 'inlineContent("ok six")');
  const mem = Buffer.alloc(v2.length + 100);
  mem.write(v1);
  const d = new ChunkedDocument(FILE);
  d.parse(mem.subarray(0, Buffer.byteLength(v1)));
  mem.write(v2);
  const r = d.parse(mem.subarray(0, Buffer.byteLength(v2)));
  assert.equal(r.unchanged, false);
  assert.deepEqual({ routes: JSON.parse(JSON.stringify(r.routes)), errors: r.errors.map((e) => e.message) }, expected(v2));
  assert.equal(r.reparsedBytes, Buffer.byteLength(v2), 'parsed whole');
});

test('a parse that throws half-way leaves the document to parse the next version whole', () => {
  const v1 = document(300);
  const v2 = v1.replace('inlineContent("ok 6")', 'inlineContent("ok six")');
  const v3 = v2.replace('inlineContent("ok 12")', 'inlineContent("ok twelve")');
  const d = new ChunkedDocument(FILE);
  d.parse(Buffer.from(v1));
  // The chunk around the change is decoded from these bytes, and that fails (as an out-of-memory would).
  const broken = Buffer.from(v2);
  broken.toString = () => {
    throw new Error('decode failed');
  };
  assert.throws(() => d.parse(broken), /decode failed/);
  // Compared with v1's bytes it would be parsed from the change on; the document no longer trusts them.
  const r = d.parse(Buffer.from(v3));
  assert.deepEqual({ routes: JSON.parse(JSON.stringify(r.routes)), errors: r.errors.map((e) => e.message) }, expected(v3));
  assert.equal(r.reparsedBytes, Buffer.byteLength(v3), 'parsed whole');
});
