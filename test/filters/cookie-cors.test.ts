import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieDomain } from '../../src/filters/cookies/cookie.ts';
import { backendResponse, makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('requestCookie appends to the Cookie header', async () => {
  const ctx = makeContext({ headers: { Cookie: 'a=1' } });
  await runChain([make('requestCookie', 'test-session', 'abc'), make('requestCookie', 'sp', 'a b')], ctx);
  assert.equal(ctx.request.headers['cookie'], 'a=1; test-session=abc; sp="a b"');
  assert.equal(ctx.stateBag.get('CookieSet:test-session'), 'abc');
});

test('responseCookie and jsCookie set cookies for the parent domain', async () => {
  const ctx = makeContext({ host: 'www.example.org:9090' });
  const rsp = await runChain([
    make('responseCookie', 'test-session', 'abc', 31536000),
    make('jsCookie', 'info', 'x', 0),
    make('responseCookie', 'plain', 'v'),
  ], ctx);
  assert.deepEqual(rsp.headers['set-cookie'], [
    'plain=v; Path=/; Domain=example.org; HttpOnly; Secure',
    'info=x; Path=/; Domain=example.org; Max-Age=0; Secure',
    'test-session=abc; Path=/; Domain=example.org; Max-Age=31536000; HttpOnly; Secure',
  ]);
});

test('responseCookie with change-only skips a cookie the request already has', async () => {
  const f = make('responseCookie', 's', 'v1', 60, 'change-only');
  const same = await runChain([f], makeContext({ host: 'example.org', headers: { Cookie: 's=v1' } }));
  assert.equal(same.headers['set-cookie'], undefined);
  const changed = await runChain([f], makeContext({ host: 'example.org', headers: { Cookie: 's=old' } }));
  assert.equal(changed.headers['set-cookie'], 's=v1; Path=/; Domain=example.org; Max-Age=60; HttpOnly; Secure');
});

test('cookieDomain drops the port and the first of three or more labels', () => {
  assert.equal(cookieDomain('a.b.example.org'), 'b.example.org');
  assert.equal(cookieDomain('example.org:80'), 'example.org');
  assert.equal(cookieDomain('localhost'), 'localhost');
  assert.equal(cookieDomain('[::1]:8080'), '::1');
});

test('an address host gets no Domain attribute', async () => {
  const rsp = await runChain([make('responseCookie', 'a', 'b')], makeContext({ host: '10.0.0.1:80' }));
  assert.equal(rsp.headers['set-cookie'], 'a=b; Path=/; HttpOnly; Secure');
});

test('dropRequestCookie and dropResponseCookie remove only the named cookie', async () => {
  const ctx = makeContext({ headers: { Cookie: 'a=1; drop=x; b=2' } });
  const rsp = await runChain([make('dropRequestCookie', 'drop'), make('dropResponseCookie', 'drop')], ctx,
    () => backendResponse(200, { 'Set-Cookie': ['drop=1; Path=/', 'keep=2; HttpOnly'] }));
  assert.equal(ctx.request.headers['cookie'], 'a=1; b=2');
  assert.equal(rsp.headers['set-cookie'], 'keep=2; HttpOnly');
  const only = makeContext({ headers: { Cookie: 'drop=x' } });
  await runChain([make('dropRequestCookie', 'drop')], only);
  assert.equal(only.request.headers['cookie'], undefined);
  const untouched = makeContext({ headers: { Cookie: 'a=1;b=2' } });
  await runChain([make('dropRequestCookie', 'none')], untouched);
  assert.equal(untouched.request.headers['cookie'], 'a=1;b=2');
});

test('corsOrigin sets * or echoes an allowed origin', async () => {
  const any = await runChain([make('corsOrigin')], makeContext());
  assert.equal(any.headers['access-control-allow-origin'], '*');
  const f = make('corsOrigin', 'https://www.example.org', 'http://localhost:9001');
  const ok = await runChain([f], makeContext({ headers: { Origin: 'http://localhost:9001' } }));
  assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:9001');
  const no = await runChain([f], makeContext({ headers: { Origin: 'https://evil.example' } }));
  assert.equal(no.headers['access-control-allow-origin'], undefined);
  const none = await runChain([f], makeContext());
  assert.equal(none.headers['access-control-allow-origin'], undefined);
});

test('cookie and cors filters reject bad arguments', () => {
  assertRejects([
    ['requestCookie', ['a']], ['requestCookie', ['a', 'b', 1]], ['requestCookie', ['', 'b']], ['requestCookie', ['a;b', 'c']], ['responseCookie', ['a b', 'c']], ['requestCookie', [1, 'b']],
    ['responseCookie', ['a']], ['responseCookie', ['a', 'b', '60']], ['responseCookie', ['a', 'b', 60, 'x', 'y']],
    ['jsCookie', ['a', 2]], ['responseCookie', ['a', 'b', 1, 2]],
    ['dropRequestCookie', []], ['dropResponseCookie', [1]],
    ['corsOrigin', [1]], ['corsOrigin', ['https://a', 2]],
  ]);
});
