import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bufferCounters, FileBuffers } from '../../src/dataclients/file-buffers.ts';

function tmpFile(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'skj-fb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'routes.eskip');
}

test('reads a file in pieces into two reused buffers: the committed version stays intact while the next is read', async (t) => {
  const file = tmpFile(t);
  const text = (n: number, c: string): string => c.repeat(n);
  const b = new FileBuffers(file, 1000);
  writeFileSync(file, text(5500, 'a'));
  const v1 = (await b.read()).bytes;
  assert.equal(v1.toString(), text(5500, 'a'));
  b.commit();
  writeFileSync(file, text(5400, 'b'));
  const v2 = (await b.read()).bytes;
  assert.equal(v2.toString(), text(5400, 'b'));
  assert.equal(v1.toString(), text(5500, 'a'), 'the committed version is not overwritten');
  // Not committed (say the parse failed): the next read fills the same spare again.
  writeFileSync(file, text(5300, 'c'));
  const v3 = (await b.read()).bytes;
  assert.equal(v3.buffer, v2.buffer, 'the same spare buffer');
  assert.equal(v1.toString(), text(5500, 'a'));
  b.commit();
  // Grown past both buffers: a larger one, the committed version still intact.
  writeFileSync(file, text(200_000, 'd'));
  const v4 = (await b.read()).bytes;
  assert.equal(v4.toString(), text(200_000, 'd'));
  assert.equal(v3.toString(), text(5300, 'c'));
  assert.notEqual(v4.buffer, v1.buffer);
});

/** The common prefix and suffix (at most min length - prefix), byte by byte. */
function naive(a: Buffer, b: Buffer): { prefix: number; suffix: number } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  const max = Math.min(a.length, b.length) - p;
  while (s < max && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: p, suffix: s };
}

test('the difference found while reading is the common prefix and suffix, whatever the pieces and the edit', async (t) => {
  const file = tmpFile(t);
  const alphabet = fc.constantFrom('a', 'b', ';', '\n');
  await fc.assert(fc.asyncProperty(
    fc.array(alphabet, { maxLength: 300 }).map((a) => a.join('')),
    fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 40 }), insert: fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')) }), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(1, 7, 64, 1000),
    async (first, edits, piece) => {
      const b = new FileBuffers(file, piece);
      writeFileSync(file, first);
      const v1 = await b.read();
      assert.equal(v1.difference, null, 'nothing committed yet');
      b.commit();
      let text = first;
      let old = Buffer.from(first);
      for (const e of edits) {
        const at = text.length === 0 ? 0 : e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        writeFileSync(file, text);
        const { bytes, difference } = await b.read();
        assert.equal(bytes.toString(), text);
        assert.ok(difference !== null);
        assert.deepEqual({ prefix: difference.prefix, suffix: difference.suffix }, naive(old, Buffer.from(text)), `${JSON.stringify(old.toString())} -> ${JSON.stringify(text)} in pieces of ${piece}`);
        assert.equal(difference.against.toString(), old.toString());
        b.commit();
        old = Buffer.from(text);
      }
    },
  ), { numRuns: 200 });
});

test('an insert or a removal compares each byte before it once, not by the start and by the end both', async (t) => {
  const file = tmpFile(t);
  const lines = Array.from({ length: 2000 }, (_, i) => `r${i}: Path("/r${i}") -> <shunt>;\n`);
  const b = new FileBuffers(file, 4096);
  writeFileSync(file, lines.join(''));
  await b.read();
  b.commit();
  for (const [what, edit] of [
    ['insert', () => void lines.splice(1900, 0, 'added: * -> <shunt>;\n')],
    ['remove', () => void lines.splice(1950, 1)],
  ] as [string, () => void][]) {
    edit();
    const text = lines.join('');
    writeFileSync(file, text);
    const before = bufferCounters.compared;
    await b.read();
    b.commit();
    const compared = bufferCounters.compared - before;
    // Each byte once, plus the piece holding the change compared both ways.
    assert.ok(compared <= text.length + 2 * 4096, `${what}: ${compared} bytes compared for a file of ${text.length}`);
  }
});
