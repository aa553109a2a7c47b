import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { InvalidArgsError } from '../../../src/errors.ts';
import { logHeader } from '../../../src/filters/diagnostics/log-header.ts';
import { logBody } from '../../../src/filters/diagnostics/log-body.ts';
import { absorb, absorbSilent } from '../../../src/filters/diagnostics/absorb.ts';
import { makeContext, readAll } from './context.ts';

test('logHeader logs the request line and headers, truncating Authorization', () => {
  const ctx = makeContext({ method: 'POST', path: '/a/b', host: 'api.example.org', headers: { authorization: 'Bearer secret', 'x-foo': ['1', '2'] } });
  const f = logHeader.create([]);
  assert.equal(f.response, undefined);
  f.request!(ctx);
  assert.equal(ctx.logs.length, 1);
  const line = ctx.logs[0]!.message;
  assert.ok(line.startsWith('POST /a/b HTTP/1.1\r\nHost: api.example.org\r\n'), line);
  assert.match(line, /Authorization: TRUNCATED\r\n/);
  assert.match(line, /X-Foo: 1 2\r\n/);
  assert.doesNotMatch(line, /secret/);
});

test('logHeader("response") logs the status line and response headers', () => {
  const ctx = makeContext({ path: '/x', response: { status: 404, headers: { 'content-type': 'text/plain' }, body: null } });
  const f = logHeader.create(['Response']);
  assert.equal(f.request, undefined);
  f.response!(ctx);
  assert.equal(ctx.logs[0]!.message, 'Response for GET /x HTTP/1.1\r\n404 Not Found\r\nContent-Type: text/plain\r\n\r\n');
  const both = logHeader.create(['request', 'response']);
  assert.ok(both.request !== undefined && both.response !== undefined);
  assert.throws(() => logHeader.create([1]), InvalidArgsError);
});

test('logBody logs body chunks up to the limit and passes every byte on', async () => {
  const ctx = makeContext({
    method: 'POST',
    headers: { 'x-flow-id': 'FLOW1' },
    body: Readable.from([Buffer.from('hello '), Buffer.from('world, '), Buffer.from('more')]),
  });
  logBody.create(['request', 10]).request!(ctx);
  assert.equal((await readAll(ctx.request.body)).toString(), 'hello world, more');
  assert.deepEqual(ctx.logs.map((l) => l.message), ['logBody("request") FLOW1: hello ', 'logBody("request") FLOW1: worl']);

  const rctx = makeContext({ response: { status: 200, headers: {}, body: Readable.from([Buffer.from('abc')]) } });
  const f = logBody.create(['response', 1024]);
  assert.equal(f.request, undefined);
  f.response!(rctx);
  assert.equal((await readAll(rctx.response!.body)).toString(), 'abc');
  assert.deepEqual(rctx.logs.map((l) => l.message), ['logBody("response") : abc']);
});

test('logBody validates arguments', () => {
  for (const bad of [[], ['request'], ['both', 10], ['request', 1.5], ['request', '10'], [10, 'request']]) {
    assert.throws(() => logBody.create(bad), InvalidArgsError, JSON.stringify(bad));
  }
});

test('absorb consumes the body, logs the count with the flow id and answers 200', async () => {
  let read = 0;
  const parts = [Buffer.alloc(1000), Buffer.alloc(2345)];
  const body = Readable.from(parts).on('data', (c: Buffer) => { read += c.length; });
  const ctx = makeContext({ method: 'POST', headers: { 'x-flow-id': 'F-42', 'content-length': '3345' }, body });
  await absorb.create([]).request!(ctx);
  assert.equal(read, 3345);
  assert.equal(ctx.request.body, null);
  assert.equal(ctx.request.headers['content-length'], undefined);
  assert.equal(ctx.served, true);
  assert.equal(ctx.response!.status, 200);
  const messages = ctx.logs.map((l) => l.message);
  assert.ok(messages.includes('received request to be absorbed: F-42'));
  assert.ok(messages.includes('request F-42, consumed bytes: 3345'));
  assert.ok(messages.includes('request finished: F-42'));
});

test('absorb generates a flow id when there is none; absorbSilent logs nothing on success', async () => {
  const ctx = makeContext({ method: 'POST', body: Readable.from([Buffer.alloc(10)]) });
  await absorb.create([]).request!(ctx);
  assert.match(ctx.logs[0]!.message, /^received request to be absorbed: [0-9a-zA-Z+-]{16}$/);
  const silent = makeContext({ method: 'POST', body: Readable.from([Buffer.alloc(10)]) });
  await absorbSilent.create([]).request!(silent);
  assert.equal(silent.served, true);
  assert.equal(silent.request.body, null);
  assert.deepEqual(silent.logs, []);
  const failing = makeContext({ method: 'POST', body: new Readable({ read() { this.destroy(new Error('reset')); } }) });
  await absorbSilent.create([]).request!(failing);
  assert.match(failing.logs[0]!.message, /reset/);
  assert.throws(() => absorb.create(['x']), InvalidArgsError);
});
