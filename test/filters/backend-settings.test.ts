import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('setDynamicBackendUrl chooses scheme and host and sets the outgoing host', async () => {
  const ctx = makeContext({ host: 'in.example.org' });
  await runChain([make('setDynamicBackendUrl', 'https://backend.example.org:8443/ignored/path')], ctx);
  assert.equal(ctx.dynamicBackendUrl, 'https://backend.example.org:8443');
  assert.equal(ctx.outgoingHost, 'backend.example.org:8443');
  assert.equal(ctx.stateBag.get('backend:dynamic:url'), 'https://backend.example.org:8443/ignored/path');
});

test('host and scheme default to the incoming request and combine', async () => {
  const host = makeContext({ host: 'in.example.org', protocol: 'http' });
  await runChain([make('setDynamicBackendHost', 'b.example.org')], host);
  assert.equal(host.dynamicBackendUrl, 'http://b.example.org');
  assert.equal(host.outgoingHost, 'b.example.org');
  const scheme = makeContext({ host: 'in.example.org' });
  await runChain([make('setDynamicBackendScheme', 'https')], scheme);
  assert.equal(scheme.dynamicBackendUrl, 'https://in.example.org');
  assert.equal(scheme.outgoingHost, null);
  const both = makeContext();
  await runChain([make('setDynamicBackendScheme', 'https'), make('setDynamicBackendHost', 'c.example.org')], both);
  assert.equal(both.dynamicBackendUrl, 'https://c.example.org');
});

test('a URL wins over host and scheme, whatever the order', async () => {
  const ctx = makeContext();
  await runChain([make('setDynamicBackendUrl', 'http://u.example.org'), make('setDynamicBackendHost', 'h.example.org')], ctx);
  assert.equal(ctx.dynamicBackendUrl, 'http://u.example.org');
});

test('…FromHeader forms read the request header and do nothing without it', async () => {
  const ctx = makeContext({ headers: { 'X-Url': 'https://x.example.org', 'X-Host': 'y.example.org', 'X-Scheme': 'https' } });
  await runChain([make('setDynamicBackendUrlFromHeader', 'X-Url')], ctx);
  assert.equal(ctx.dynamicBackendUrl, 'https://x.example.org');
  assert.equal(ctx.outgoingHost, 'x.example.org');
  const hs = makeContext({ headers: { 'X-Host': 'y.example.org', 'X-Scheme': 'https' } });
  await runChain([make('setDynamicBackendHostFromHeader', 'X-Host'), make('setDynamicBackendSchemeFromHeader', 'X-Scheme')], hs);
  assert.equal(hs.dynamicBackendUrl, 'https://y.example.org');
  const none = makeContext();
  await runChain([make('setDynamicBackendUrlFromHeader', 'X-Url'), make('setDynamicBackendHostFromHeader', 'X-Host')], none);
  assert.equal(none.dynamicBackendUrl, null);
  assert.equal(none.outgoingHost, null);
  const bad = makeContext({ host: 'in.example.org', headers: { 'X-Url': 'not a url' } });
  await runChain([make('setDynamicBackendUrlFromHeader', 'X-Url')], bad);
  assert.equal(bad.dynamicBackendUrl, 'http://in.example.org');
});

test('consistentHashKey and consistentHashBalanceFactor set the request settings', async () => {
  const ctx = makeContext({ headers: { 'X-User': 'u1' } });
  await runChain([make('consistentHashKey', '${request.header.X-User}'), make('consistentHashBalanceFactor', 1.25)], ctx);
  assert.equal(ctx.settings.consistentHashKey, 'u1');
  assert.equal(ctx.settings.consistentHashBalanceFactor, 1.25);
  const missing = makeContext();
  await runChain([make('consistentHashKey', '${request.header.X-User}')], missing);
  assert.equal(missing.settings.consistentHashKey, undefined);
});

test('timeout filters set the request settings in milliseconds', async () => {
  const ctx = makeContext();
  await runChain([make('backendTimeout', '10ms'), make('readTimeout', '1m30s'), make('writeTimeout', '1.5s')], ctx);
  assert.deepEqual({ ...ctx.settings }, { backendTimeoutMs: 10, readTimeoutMs: 90_000, writeTimeoutMs: 1500 });
});

test('backend and settings filters reject bad arguments', () => {
  assertRejects([
    ['setDynamicBackendUrl', []], ['setDynamicBackendUrl', ['example.org']], ['setDynamicBackendUrl', [1]],
    ['setDynamicBackendHost', ['a/b']], ['setDynamicBackendHost', ['']], ['setDynamicBackendScheme', ['ftp']],
    ['setDynamicBackendUrlFromHeader', ['bad header']], ['setDynamicBackendHostFromHeader', []],
    ['setDynamicBackendSchemeFromHeader', ['X', 'Y']],
    ['consistentHashKey', []], ['consistentHashKey', [1]],
    ['consistentHashBalanceFactor', [0.5]], ['consistentHashBalanceFactor', ['1.25']], ['consistentHashBalanceFactor', []],
    ['backendTimeout', [10]], ['backendTimeout', ['10']], ['backendTimeout', ['-1s']], ['readTimeout', ['0']],
    ['writeTimeout', ['1s', '2s']],
  ]);
});
