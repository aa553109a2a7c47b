/**
 * A mistake deep in a large document is reported at its exact file:line:col by every way a document is
 * parsed: whole, in slices, streamed in pieces (-routes-urls) and in chunks (-routes-file). Positions are
 * counted across segment and chunk boundaries, so an off-by-one in the line carried between pieces shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStream, parseDocument, parseDocumentSliced, type DocumentParse } from '../../src/eskip/index.ts';
import { ChunkedDocument } from '../../src/dataclients/eskip-chunks.ts';

const ROUTES = 40_000;

/** Three lines per route, as routes files are usually written. */
function route(i: number): string {
  return `r${i}: Host("^app${i % 500}[.]example[.]org$") && Path("/api/v1/items${i % 13}")\n  -> setRequestHeader("X-App", "app${i % 500}") -> setResponseHeader("X-Route", "r${i}")\n  -> "http://10.0.${i % 250}.1:8080";\n`;
}

/** The document with three broken routes replacing routes 21,000, 30,500 and 39,990; their expected errors. */
function document(): { text: string; expected: string[] } {
  const parts: string[] = [];
  for (let i = 0; i < ROUTES; i++) parts.push(route(i));
  // A missing "->" before the backend: the error is at the backend string, line 2 of the route.
  parts[21_000] = 'r21000: Path("/x")\n  -> setPath("/y")\n  "http://10.0.0.1:8080";\n';
  // A character the lexer refuses, in the middle of line 1.
  parts[30_500] = 'r30500: Path("/x") && Method("GET") ^ Header("A", "b")\n  -> <shunt>;\n\n';
  // A number where a predicate is expected, after a comment line.
  parts[39_990] = '// the next route is broken\nr39990: Path("/z") && 42 -> <shunt>;\n\n';
  const line = (i: number) => 1 + 3 * i;
  const expected = [
    `big.eskip:${line(21_000) + 2}:3: expected "->", found "\\"http://10.0.0.1:808"`,
    `big.eskip:${line(30_500)}:37: unexpected character "^"`,
    `big.eskip:${line(39_990) + 1}:23: expected a predicate or "*", found "42 -> <shunt>;"`,
  ];
  return { text: parts.join(''), expected };
}

function check(label: string, parsed: DocumentParse, expected: string[]): void {
  assert.equal(parsed.routes.length, ROUTES - 3, `${label}: routes`);
  assert.equal(parsed.errors.length, 3, `${label}: ${parsed.errors.map((e) => e.message).join('\n')}`);
  for (let k = 0; k < 3; k++) assert.ok(parsed.errors[k]!.message.startsWith(expected[k]!), `${label}: ${parsed.errors[k]!.message} — expected ${expected[k]}`);
  assert.deepEqual(parsed.errors.map((e) => e.routeId), ['r21000', 'r30500', 'r39990'], label);
  // The route after each broken one keeps its own position.
  const after = parsed.routes.find((r) => r.id === 'r30501')!;
  assert.deepEqual({ line: after.pos!.line, col: after.pos!.col }, { line: 1 + 3 * 30_501, col: 1 }, label);
}

test('errors deep in a 120,000-line document name the exact line:col, whole, sliced, streamed and chunked', async () => {
  const { text, expected } = document();
  check('whole', parseDocument(text, { file: 'big.eskip' }), expected);
  check('sliced', await parseDocumentSliced(text, { file: 'big.eskip', sliceMs: 1 }), expected);
  const stream = new DocumentStream({ file: 'big.eskip' });
  for (let i = 0; i < text.length; i += 65_521) stream.push(text.slice(i, i + 65_521));
  check('streamed', stream.end(), expected);
  check('chunked', await new ChunkedDocument('big.eskip').parseSliced(Buffer.from(text)), expected);
});
