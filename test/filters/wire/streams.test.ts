import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { chunkedReadable, rechunk, throttledReadable, generatedReadable, sleep } from '../../../src/filters/streams.ts';
import { chunkSizes, countingSource, readAll, spin } from './context.ts';

test('rechunk slices into fixed sizes and keeps byte order', async () => {
  const input = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  const parts = [input.subarray(0, 3), input.subarray(3, 4), input.subarray(4, 20), input.subarray(20)];
  const out: Buffer[] = [];
  for await (const p of rechunk(parts, 5)) out.push(p);
  assert.deepEqual(out.map((b) => b.length), [5, 5, 5, 5, 5, 1]);
  assert.equal(Buffer.concat(out).toString(), input.toString());
});

test('chunkedReadable delivers exact chunk sizes', async () => {
  const body = Readable.from([Buffer.alloc(1000, 1), Buffer.alloc(1500, 2)]);
  const sizes = await chunkSizes(chunkedReadable(body, 1024, 0));
  assert.deepEqual(sizes, [1024, 1024, 452]);
});

test('chunkedReadable pauses between chunks', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const out = chunkedReadable(Readable.from([Buffer.alloc(30)]), 10, 100);
  const got: number[] = [];
  out.on('data', (c: Buffer) => got.push(c.length));
  await spin(20);
  assert.deepEqual(got, [10], 'second chunk must wait for the gap');
  t.mock.timers.tick(100);
  await spin(20);
  assert.deepEqual(got, [10, 10]);
  t.mock.timers.tick(100);
  await spin(20);
  assert.deepEqual(got, [10, 10, 10]);
});

test('chunkedReadable applies back-pressure instead of draining the source', async () => {
  const { source, pulled } = countingSource();
  const out = chunkedReadable(source, 100, 0);
  await new Promise((r) => out.once('readable', r));
  out.read(100);
  await spin();
  assert.ok(pulled() < 1024 * 1024, `pulled ${pulled()} bytes with nobody reading`);
  out.destroy();
  await spin(5);
  assert.ok(source.destroyed, 'destroying the wrapper destroys the source');
});

test('throttledReadable keeps all bytes and applies back-pressure', async () => {
  const data = Buffer.alloc(5000, 7);
  const all = await readAll(throttledReadable(Readable.from([data]), 1e9));
  assert.equal(all.length, 5000);
  const { source, pulled } = countingSource();
  const out = throttledReadable(source, 1e9);
  await new Promise((r) => out.once('readable', r));
  await spin();
  assert.ok(pulled() < 1024 * 1024, `pulled ${pulled()} bytes with nobody reading`);
  out.destroy();
});

test('throttledReadable waits when ahead of the rate', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  // 1 byte/ms: after the first 512-byte slice the stream is ~512 ms ahead and must wait.
  const out = throttledReadable(Readable.from([Buffer.alloc(2048)]), 1);
  const got: number[] = [];
  out.on('data', (c: Buffer) => got.push(c.length));
  await spin(20);
  assert.deepEqual(got, [512]);
  out.destroy();
});

test('generatedReadable propagates source errors', async () => {
  const source = new Readable({ read() { this.destroy(new Error('boom')); } });
  const out = generatedReadable(async function* () { for await (const c of source) yield c as Buffer; }, source);
  await assert.rejects(readAll(out), /boom/);
});

test('sleep resolves early on abort', async () => {
  const ac = new AbortController();
  const p = sleep(60_000, ac.signal);
  ac.abort();
  await p;
});
