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

test('holds one buffer: a read leaves the held version as it is until taken, then is patched into it in place', async (t) => {
  const file = tmpFile(t);
  const text = (n: number, c: string): string => c.repeat(n);
  const b = new FileBuffers(file, 1000);
  writeFileSync(file, text(5500, 'a'));
  const first = await b.read();
  assert.equal(first.difference, null, 'nothing held yet: the whole file');
  const v1 = b.take(first);
  assert.equal(v1.toString(), text(5500, 'a'));
  writeFileSync(file, text(5400, 'b'));
  const r2 = await b.read();
  assert.equal(b.held, v1);
  assert.equal(v1.toString(), text(5500, 'a'), 'a read does not change the held version');
  // Not taken (say the file changed again before it settled): the next read is compared with the same version.
  writeFileSync(file, text(5300, 'c'));
  const r3 = await b.read();
  assert.throws(() => b.take(first), /another version/);
  const v3 = b.take(r3);
  assert.equal(v3.toString(), text(5300, 'c'));
  assert.equal(v3.buffer, v1.buffer, 'patched in place');
  assert.throws(() => b.take(r2), /another version/, 'a read of a version no longer held');
  // Grown past the buffer: a larger one.
  writeFileSync(file, text(200_000, 'd'));
  const v4 = b.take(await b.read());
  assert.equal(v4.toString(), text(200_000, 'd'));
  assert.notEqual(v4.buffer, v1.buffer);
  // The same bytes again: nothing to take.
  const same = await b.read();
  assert.deepEqual([same.difference?.prefix, same.difference?.suffix], [200_000, 0]);
  assert.equal(b.take(same), v4);
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

test('the difference found while reading is the common prefix and suffix, and the version taken is the file, whatever the pieces and the edits', async (t) => {
  const file = tmpFile(t);
  const alphabet = fc.constantFrom('a', 'b', ';', '\n');
  const text = fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''));
  await fc.assert(fc.asyncProperty(
    fc.array(alphabet, { maxLength: 300 }).map((a) => a.join('')),
    fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 40 }), insert: text, dropped: fc.option(text, { freq: 3 }) }), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(1, 7, 64, 1000),
    async (first, edits, piece) => {
      const b = new FileBuffers(file, piece);
      writeFileSync(file, first);
      let held = b.take(await b.read());
      let text = first;
      for (const e of edits) {
        const at = text.length === 0 ? 0 : e.at % (text.length + 1);
        if (e.dropped !== null) {
          // A version read and not taken (the file changed again before it settled).
          writeFileSync(file, e.dropped + text);
          await b.read();
        }
        const before = text;
        text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        writeFileSync(file, text);
        const r = await b.read();
        assert.ok(r.difference !== null);
        assert.equal(r.difference.against, held);
        assert.equal(held.toString(), before, 'the held version is intact until taken');
        assert.deepEqual({ prefix: r.difference.prefix, suffix: r.difference.suffix }, naive(Buffer.from(before), Buffer.from(text)), `${JSON.stringify(before)} -> ${JSON.stringify(text)} in pieces of ${piece}`);
        held = b.take(r);
        assert.equal(held.toString(), text, `${JSON.stringify(before)} -> ${JSON.stringify(text)} in pieces of ${piece}`);
      }
    },
  ), { numRuns: 300 });
});

test('an insert or a removal compares each byte before it once, not by the start and by the end both', async (t) => {
  const file = tmpFile(t);
  const lines = Array.from({ length: 2000 }, (_, i) => `r${i}: Path("/r${i}") -> <shunt>;\n`);
  const b = new FileBuffers(file, 4096);
  writeFileSync(file, lines.join(''));
  b.take(await b.read());
  for (const [what, edit] of [
    ['insert', () => void lines.splice(1900, 0, 'added: * -> <shunt>;\n')],
    ['remove', () => void lines.splice(1950, 1)],
  ] as [string, () => void][]) {
    edit();
    const text = lines.join('');
    writeFileSync(file, text);
    const before = bufferCounters.compared;
    const r = await b.read();
    const compared = bufferCounters.compared - before;
    // Each byte once, plus the piece holding the change compared both ways.
    assert.ok(compared <= text.length + 2 * 4096, `${what}: ${compared} bytes compared for a file of ${text.length}`);
    // Kept: the changed bytes only (the route added, or none for a removal), not the pieces around them.
    const kept = r.kept.reduce((n, k) => n + k.bytes.length, 0);
    assert.ok(kept <= 64, `${what}: ${kept} bytes kept`);
    assert.equal(b.take(r).toString(), text);
  }
});
