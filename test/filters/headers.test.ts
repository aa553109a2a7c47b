import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arg } from '../../src/eskip/ast.ts';
import { backendResponse, makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('setRequestHeader replaces, appendRequestHeader adds', async () => {
  const ctx = makeContext({ headers: { 'X-A': 'old' }, pathParams: { id: '7' } });
  await runChain([make('setRequestHeader', 'X-A', 'new-${id}'), make('appendRequestHeader', 'X-A', 'more')], ctx);
  assert.deepEqual(ctx.request.headers['x-a'], ['new-7', 'more']);
});

test('setRequestHeader with an unresolved placeholder leaves the header alone', async () => {
  const ctx = makeContext({ headers: { 'X-A': 'keep' } });
  await runChain([make('setRequestHeader', 'X-A', '${request.query.nope}'), make('setRequestHeader', 'X-B', 'v${x}')], ctx);
  assert.equal(ctx.request.headers['x-a'], 'keep');
  assert.equal(ctx.request.headers['x-b'], undefined);
});

test('setting the request Host header sets the outgoing host', async () => {
  const ctx = makeContext();
  await runChain([make('setRequestHeader', 'Host', 'backend.internal')], ctx);
  assert.equal(ctx.outgoingHost, 'backend.internal');
  assert.equal(ctx.request.headers['host'], 'backend.internal');
});

test('response header filters set, append and drop', async () => {
  const ctx = makeContext({ pathParams: { id: '9' } });
  const rsp = await runChain([
    make('setResponseHeader', 'X-Id', '${id}'),
    make('appendResponseHeader', 'X-Multi', 'b'),
    make('dropResponseHeader', 'Server'),
    make('setResponseHeader', 'X-Loc', '${response.header.X-Backend}'),
  ], ctx, () => backendResponse(200, { Server: 'x', 'X-Multi': 'a', 'X-Backend': 'be' }));
  assert.equal(rsp.headers['x-id'], '9');
  assert.deepEqual(rsp.headers['x-multi'], ['a', 'b']);
  assert.equal(rsp.headers['server'], undefined);
  assert.equal(rsp.headers['x-loc'], 'be');
});

test('dropRequestHeader removes the header', async () => {
  const ctx = makeContext({ headers: { 'User-Agent': 'ua' } });
  await runChain([make('dropRequestHeader', 'User-Agent')], ctx);
  assert.equal(ctx.request.headers['user-agent'], undefined);
});

test('drop…HeaderValueRegexp removes only matching values', async () => {
  for (const name of ['dropRequestHeaderValueRegexp', 'dropRequestHeaderRegexp']) {
    const ctx = makeContext({ headers: { 'X-V': ['value1', 'other', 'value2'] } });
    await runChain([make(name, 'X-V', '^value.')], ctx);
    assert.equal(ctx.request.headers['x-v'], 'other');
  }
  const ctx = makeContext();
  const rsp = await runChain([make('dropResponseHeaderValueRegexp', 'X-V', 'a')], ctx,
    () => backendResponse(200, { 'X-V': ['a1', 'a2'] }));
  assert.equal(rsp.headers['x-v'], undefined);
});

test('context header filters copy state bag values and skip missing keys', async () => {
  const ctx = makeContext();
  ctx.stateBag.set('auth-user', 'jdoe');
  ctx.stateBag.set('n', 5);
  const rsp = await runChain([
    make('setContextRequestHeader', 'X-Uid', 'auth-user'),
    make('appendContextRequestHeader', 'X-Uid', 'n'),
    make('setContextRequestHeader', 'X-None', 'missing'),
    make('setContextResponseHeader', 'X-Uid', 'auth-user'),
    make('appendContextResponseHeader', 'X-Uid', 'n'),
  ], ctx);
  assert.deepEqual(ctx.request.headers['x-uid'], ['jdoe', '5']);
  assert.equal(ctx.request.headers['x-none'], undefined);
  // Response hooks run in reverse: the append runs first, then the set replaces it.
  assert.equal(rsp.headers['x-uid'], 'jdoe');
  const hostCtx = makeContext();
  hostCtx.stateBag.set('h', 'other.host');
  await runChain([make('setContextRequestHeader', 'Host', 'h')], hostCtx);
  assert.equal(hostCtx.outgoingHost, 'other.host');
});

test('copy…Header copies the first value when present', async () => {
  const ctx = makeContext({ headers: { 'X-Foo': ['1', '2'] } });
  const rsp = await runChain([
    make('copyRequestHeader', 'X-Foo', 'X-Bar'),
    make('copyRequestHeader', 'X-Missing', 'X-Baz'),
    make('copyResponseHeader', 'X-R', 'X-S'),
  ], ctx, () => backendResponse(200, { 'X-R': 'r' }));
  assert.equal(ctx.request.headers['x-bar'], '1');
  assert.equal(ctx.request.headers['x-baz'], undefined);
  assert.equal(rsp.headers['x-s'], 'r');
  const h = makeContext({ headers: { 'X-Host': 'h.example' } });
  await runChain([make('copyRequestHeader', 'X-Host', 'Host')], h);
  assert.equal(h.outgoingHost, 'h.example');
});

test('mod…Header rewrites with Go replacement syntax', async () => {
  const ctx = makeContext({ host: 'zalando.de', headers: { 'X-A': 'aXa' } });
  const rsp = await runChain([
    make('modRequestHeader', 'Host', '^zalando\\.(\\w+)$', 'www.zalando.$1'),
    make('modRequestHeader', 'X-A', 'a', 'b'),
    make('modRequestHeader', 'X-Absent', '.*', 'set'),
    make('modResponseHeader', 'Cache-Control', 'no-cache', 'cache'),
  ], ctx, () => backendResponse(200, { 'Cache-Control': 'no-cache, private' }));
  assert.equal(ctx.outgoingHost, 'www.zalando.de');
  assert.equal(ctx.request.headers['host'], 'www.zalando.de');
  assert.equal(ctx.request.headers['x-a'], 'bXb');
  assert.equal(ctx.request.headers['x-absent'], undefined);
  assert.equal(rsp.headers['cache-control'], 'cache, private');
});

test('status, annotate and comment', async () => {
  const ctx = makeContext();
  const rsp = await runChain([
    make('comment', 'nothing to see'),
    make('annotate', 'never', 'gonna give you up'),
    make('annotate', 'never', 'gonna let you down'),
    make('status', 418),
  ], ctx);
  assert.equal(rsp.status, 418);
  assert.deepEqual([...(ctx.stateBag.get('filter.annotate') as Map<string, string>)], [['never', 'gonna let you down']]);
});

test('header filters reject bad arguments', () => {
  const bad: [string, Arg[]][] = [
    ['status', []], ['status', ['200']], ['status', [42]], ['status', [200, 1]],
    ['comment', []], ['comment', [1]],
    ['annotate', ['k']], ['annotate', ['k', 1]],
    ['setRequestHeader', ['X']], ['setRequestHeader', [1, 'v']], ['setRequestHeader', ['X', 1]],
    ['setRequestHeader', ['bad name', 'v']], ['appendResponseHeader', ['X', 'v', 'w']],
    ['dropRequestHeader', []], ['dropResponseHeader', ['a', 'b']],
    ['dropRequestHeaderValueRegexp', ['X']], ['dropRequestHeaderValueRegexp', ['X', '(']],
    ['setContextRequestHeader', ['X']], ['copyRequestHeader', ['X']], ['copyResponseHeader', ['X', 2]],
    ['modRequestHeader', ['X', 'a']], ['modResponseHeader', ['X', '[', 'b']],
  ];
  assertRejects(bad);
});
