import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectYoungGeneration, relayCounter, RELAY_GC_BYTES } from '../../src/proxy/relay-gc.ts';

test('the relay counter collects once per threshold of bytes, not before', () => {
  let collections = 0;
  const note = relayCounter(() => collections++, 1000);
  for (let i = 0; i < 9; i++) note(100);
  assert.equal(collections, 0);
  note(100);
  assert.equal(collections, 1);
  for (let i = 0; i < 25; i++) note(100);
  assert.equal(collections, 3);
});

test('the threshold keeps dead socket buffers far below the 200 MB streaming bound', () => {
  assert.ok(RELAY_GC_BYTES >= 1 << 20 && RELAY_GC_BYTES <= 32 << 20, `${RELAY_GC_BYTES}`);
});

test('collectYoungGeneration really empties the young generation', async () => {
  const newSpace = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
  let keep: object[] = [];
  // Allocate until the young generation is well filled: a scavenge may run in between, which starts it over.
  for (let i = 0; newSpace() < 1_000_000 && i < 1_000_000; i++) keep.push({ i, s: `garbage ${i}` });
  keep = [];
  const before = newSpace();
  assert.ok(before > 500_000, `young generation holds only ${before} bytes before`);
  await collectYoungGeneration();
  const after = newSpace();
  assert.ok(after < before / 2, `young generation ${before} -> ${after} bytes`);
  assert.equal(keep.length, 0);
});
