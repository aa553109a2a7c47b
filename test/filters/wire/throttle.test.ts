import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { InvalidArgsError } from '../../../src/errors.ts';
import { backendBandwidth, bandwidth } from '../../../src/filters/diagnostics/bandwidth.ts';
import { backendChunks, chunks } from '../../../src/filters/diagnostics/chunks.ts';
import { chunkSizes, makeContext, readAll, spin } from './context.ts';

const body = (): Readable => Readable.from([Buffer.alloc(3000, 0x62)]);

test('bandwidth slices the response body and keeps every byte', async () => {
  const ctx = makeContext({ response: { status: 200, headers: { 'content-length': '3000' }, body: body() } });
  const original = ctx.response!.body;
  bandwidth.create([1e6]).response!(ctx);
  assert.notEqual(ctx.response!.body, original);
  const sizes = await chunkSizes(ctx.response!.body!);
  assert.deepEqual(sizes, [512, 512, 512, 512, 512, 440]);
  assert.equal(ctx.response!.headers['content-length'], '3000');
});

test('bandwidth holds back data when the client is ahead of the rate', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ctx = makeContext({ response: { status: 200, headers: {}, body: body() } });
  bandwidth.create([1]).response!(ctx);
  const got: number[] = [];
  ctx.response!.body!.on('data', (c: Buffer) => got.push(c.length));
  await spin(20);
  assert.deepEqual(got, [512]);
  ctx.response!.body!.destroy();
});

test('backendBandwidth throttles the request body', async () => {
  const ctx = makeContext({ method: 'POST', body: body() });
  backendBandwidth.create([1e6]).request!(ctx);
  assert.deepEqual(await chunkSizes(ctx.request.body!), [512, 512, 512, 512, 512, 440]);
  const empty = makeContext();
  backendBandwidth.create([10]).request!(empty);
  assert.equal(empty.request.body, null);
});

test('bandwidth filters validate arguments', () => {
  for (const spec of [bandwidth, backendBandwidth]) {
    for (const bad of [[], [0], [-1], ['30'], [1, 2]]) assert.throws(() => spec.create(bad), InvalidArgsError);
  }
});

test('chunks re-slices the response body', async () => {
  const ctx = makeContext({ response: { status: 200, headers: {}, body: body() } });
  await chunks.create([1024, '0']).response!(ctx);
  assert.deepEqual(await chunkSizes(ctx.response!.body!), [1024, 1024, 952]);
});

test('chunks waits once before the first chunk, as Skipper does', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ctx = makeContext({ response: { status: 200, headers: {}, body: body() } });
  let started = false;
  const p = Promise.resolve(chunks.create([1000, '50ms']).response!(ctx)).then(() => { started = true; });
  await spin(5);
  assert.equal(started, false);
  t.mock.timers.tick(50);
  await p;
  const got: number[] = [];
  ctx.response!.body!.on('data', (c: Buffer) => got.push(c.length));
  await spin(20);
  assert.deepEqual(got, [1000]);
  t.mock.timers.tick(50);
  await spin(20);
  assert.deepEqual(got, [1000, 1000]);
  ctx.response!.body!.destroy();
});

test('backendChunks re-slices the request body', async () => {
  const ctx = makeContext({ method: 'PUT', body: body() });
  await backendChunks.create([2000, 0]).request!(ctx);
  assert.deepEqual(await chunkSizes(ctx.request.body!), [2000, 1000]);
  assert.equal((await readAll(null)).length, 0);
});

test('chunks filters validate arguments', () => {
  for (const spec of [chunks, backendChunks]) {
    for (const bad of [[], [1024], [0, '1ms'], [-5, '1ms'], ['1024', '1ms'], [1024, 'soon'], [1024, -1]]) {
      assert.throws(() => spec.create(bad), InvalidArgsError, JSON.stringify(bad));
    }
  }
});
