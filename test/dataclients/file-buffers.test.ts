import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBuffers } from '../../src/dataclients/file-buffers.ts';

test('reads a file in pieces into two reused buffers: the committed version stays intact while the next is read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-fb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.eskip');
  const text = (n: number, c: string): string => c.repeat(n);
  const b = new FileBuffers(file, 1000);
  writeFileSync(file, text(5500, 'a'));
  const v1 = await b.read();
  assert.equal(v1.toString(), text(5500, 'a'));
  b.commit();
  writeFileSync(file, text(5400, 'b'));
  const v2 = await b.read();
  assert.equal(v2.toString(), text(5400, 'b'));
  assert.equal(v1.toString(), text(5500, 'a'), 'the committed version is not overwritten');
  // Not committed (say the parse failed): the next read fills the same spare again.
  writeFileSync(file, text(5300, 'c'));
  const v3 = await b.read();
  assert.equal(v3.buffer, v2.buffer, 'the same spare buffer');
  assert.equal(v1.toString(), text(5500, 'a'));
  b.commit();
  // Grown past both buffers: a larger one, the committed version still intact.
  writeFileSync(file, text(200_000, 'd'));
  const v4 = await b.read();
  assert.equal(v4.toString(), text(200_000, 'd'));
  assert.equal(v3.toString(), text(5300, 'c'));
  assert.notEqual(v4.buffer, v1.buffer);
});
