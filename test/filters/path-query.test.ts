import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arg } from '../../src/eskip/ast.ts';
import { makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('preserveHost toggles between the incoming and the backend host', async () => {
  const on = makeContext({ host: 'in.example.org' });
  await runChain([make('preserveHost', 'true')], on);
  assert.equal(on.outgoingHost, 'in.example.org');
  const off = makeContext({ host: 'in.example.org' });
  off.outgoingHost = 'in.example.org';
  await runChain([make('preserveHost', 'false')], off);
  assert.equal(off.outgoingHost, null);
  const chosen = makeContext({ host: 'in.example.org' });
  chosen.outgoingHost = 'chosen.example.org';
  await runChain([make('preserveHost', 'true'), make('preserveHost', 'false')], chosen);
  assert.equal(chosen.outgoingHost, 'chosen.example.org');
});

test('modPath rewrites the decoded path with Go replacement syntax', async () => {
  const cases: [string, string, string, string][] = [
    ['/api', '/api', '/', '/'],
    ['/foo', '/foo', '/foo/bar', '/foo/bar'],
    ['/api/x/y/v2', '^/api/(.*)/v2$', '/$1', '/x/y'],
    ['/base/rest', '/base', '/new/base', '/new/base/rest'],
    ['/a%20b', ' ', '_', '/a_b'],
    ['/keep%2Fslash', 'nomatch', 'x', '/keep%2Fslash'],
    ['/x', '/x', '', '/'],
  ];
  for (const [path, expr, repl, want] of cases) {
    const ctx = makeContext({ url: path });
    await runChain([make('modPath', expr, repl)], ctx);
    assert.equal(ctx.request.path, want, `${path} ${expr} ${repl}`);
  }
});

test('setPath expands templates and escapes the result', async () => {
  const ctx = makeContext({ url: '/user/42', pathParams: { id: '42' } });
  await runChain([make('setPath', '/v2/user/${id}/${missing}x y')], ctx);
  assert.equal(ctx.request.path, '/v2/user/42/x%20y');
});

test('setQuery and dropQuery change the query like Skipper (re-encoded, sorted)', async () => {
  const ctx = makeContext({ url: '/?b=2&a=1&a=3&c=x+y', pathParams: { id: '5' } });
  await runChain([make('setQuery', 'k', 'v${id}'), make('dropQuery', 'b')], ctx);
  assert.equal(ctx.request.rawQuery, 'a=1&a=3&c=x+y&k=v5');
  const raw = makeContext({ url: '/?x=1', pathParams: { id: '5' } });
  await runChain([make('setQuery', 'id=${id}&y')], raw);
  assert.equal(raw.request.rawQuery, 'id=5&y');
  const replace = makeContext({ url: '/?k=1&k=2' });
  await runChain([make('setQuery', 'k', 'new value')], replace);
  assert.equal(replace.request.rawQuery, 'k=new+value');
});

test('stripQuery removes the query and can keep it as headers', async () => {
  const ctx = makeContext({ url: '/?foo=bar&foo=baz&é=1&a_b=2' });
  await runChain([make('stripQuery')], ctx);
  assert.equal(ctx.request.rawQuery, '');
  assert.equal(ctx.request.headers['x-query-param-foo'], undefined);
  const keep = makeContext({ url: '/?foo=bar&foo=baz&%C3%A9=1&a_b=2' });
  await runChain([make('stripQuery', 'true')], keep);
  assert.equal(keep.request.rawQuery, '');
  assert.deepEqual(keep.request.headers['x-query-param-foo'], ['bar', 'baz']);
  assert.equal(keep.request.headers['x-query-param-u00e9'], '1');
  assert.equal(keep.request.headers['x-query-param-ab'], '2');
});

test('queryToHeader sets the header only when absent, with an optional format', async () => {
  const ctx = makeContext({ url: '/?access_token=t0k&foo=1', headers: { 'X-Set': 'already' } });
  await runChain([
    make('queryToHeader', 'access_token', 'Authorization', 'Bearer %s'),
    make('queryToHeader', 'foo', 'X-Set'),
    make('queryToHeader', 'foo', 'X-Foo', '100%% %s!'),
    make('queryToHeader', 'missing', 'X-Missing'),
  ], ctx);
  assert.equal(ctx.request.headers['authorization'], 'Bearer t0k');
  assert.equal(ctx.request.headers['x-set'], 'already');
  assert.equal(ctx.request.headers['x-foo'], '100% 1!');
  assert.equal(ctx.request.headers['x-missing'], undefined);
});

test('headerToQuery sets the query parameter, overriding it', async () => {
  const ctx = makeContext({ url: '/?foo-query-param=old&z=1', headers: { 'X-Foo-Header': 'a b' } });
  await runChain([make('headerToQuery', 'X-Foo-Header', 'foo-query-param')], ctx);
  assert.equal(ctx.request.rawQuery, 'foo-query-param=a+b&z=1');
});

test('path and query filters reject bad arguments', () => {
  const bad: [string, Arg[]][] = [
    ['preserveHost', []], ['preserveHost', ['yes']], ['preserveHost', [true as unknown as string]],
    ['modPath', ['/a']], ['modPath', ['(', 'x']], ['modPath', [1, 'x']],
    ['setPath', []], ['setPath', [1]],
    ['setQuery', []], ['setQuery', ['a', 'b', 'c']], ['setQuery', ['a', 1]],
    ['dropQuery', []], ['dropQuery', [1]],
    ['stripQuery', [1]], ['stripQuery', ['true', 'x']],
    ['queryToHeader', ['q']], ['queryToHeader', ['q', 'X', 'no verb']], ['queryToHeader', ['q', 'X', '%d']],
    ['queryToHeader', ['q', 'X', '%s %s']],
    ['headerToQuery', ['X']], ['headerToQuery', ['X', 1]],
  ];
  assertRejects(bad);
});
