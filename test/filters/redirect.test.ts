import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

const request = () => makeContext({ url: '/some/path?foo=1&bar=2', host: 'incoming.example.org' });

// The cases of Skipper's redirect tests: what the location is merged with.
const cases: [string, string | null, string][] = [
  ['only code', null, 'https://incoming.example.org/some/path?foo=1&bar=2'],
  ['scheme only', 'http:', 'http://incoming.example.org/some/path?foo=1&bar=2'],
  ['scheme and host', 'http://redirect.example.org', 'http://redirect.example.org/some/path?foo=1&bar=2'],
  ['scheme, host and path', 'http://redirect.example.org/some/other/path', 'http://redirect.example.org/some/other/path?foo=1&bar=2'],
  ['scheme, host, path and query', 'http://redirect.example.org/some/other/path?newquery=3', 'http://redirect.example.org/some/other/path?newquery=3'],
  ['host only', '//redirect.example.org', 'https://redirect.example.org/some/path?foo=1&bar=2'],
  ['host and path', '//redirect.example.org/some/other/path', 'https://redirect.example.org/some/other/path?foo=1&bar=2'],
  ['host, path and query', '//redirect.example.org/some/other/path?newquery=3', 'https://redirect.example.org/some/other/path?newquery=3'],
  ['path only', '/some/other/path', 'https://incoming.example.org/some/other/path?foo=1&bar=2'],
  ['path and query', '/some/other/path?newquery=3', 'https://incoming.example.org/some/other/path?newquery=3'],
  ['query only', '?newquery=3', 'https://incoming.example.org/some/path?newquery=3'],
  ['scheme and path', 'http:///some/other/path', 'http://incoming.example.org/some/other/path?foo=1&bar=2'],
  ['scheme, path and query', 'http:///some/other/path?newquery=3', 'http://incoming.example.org/some/other/path?newquery=3'],
  ['scheme and query', 'http://?newquery=3', 'http://incoming.example.org/some/path?newquery=3'],
];

test('redirectTo merges the location into the request URL like Skipper', async () => {
  for (const [msg, loc, want] of cases) {
    const ctx = request();
    const f = loc === null ? make('redirectTo', 302) : make('redirectTo', 302, loc);
    const rsp = await runChain([f, make('setRequestHeader', 'X-Never', 'x')], ctx);
    assert.equal(ctx.served, true, msg);
    assert.equal(rsp.status, 302, msg);
    assert.equal(rsp.headers['location'], want, msg);
    assert.equal(ctx.request.headers['x-never'], undefined, 'later request filters are skipped');
  }
});

test('redirectTo uses a Host header set by an earlier filter and the path as modified', async () => {
  const ctx = request();
  const rsp = await runChain([make('setRequestHeader', 'Host', 'other.example.org'), make('setPath', '/moved'), make('redirectTo', 301)], ctx);
  assert.equal(rsp.status, 301);
  assert.equal(rsp.headers['location'], 'https://other.example.org/moved?foo=1&bar=2');
});

test('redirectToLower lower-cases the path', async () => {
  const lowerCases: [string, string][] = [
    ['http://redirect.example.org/SOME/OTHER/PATH', 'http://redirect.example.org/some/other/path?foo=1&bar=2'],
    ['http://redirect.example.org/PAth', 'http://redirect.example.org/path?foo=1&bar=2'],
    ['http://redirect.example.org/PATH?query=1', 'http://redirect.example.org/path?query=1'],
  ];
  for (const [loc, want] of lowerCases) {
    const rsp = await runChain([make('redirectToLower', 302, loc)], request());
    assert.equal(rsp.headers['location'], want);
  }
  const own = makeContext({ url: '/Some/PATH', host: 'h.example' });
  const rsp = await runChain([make('redirectToLower', 308)], own);
  assert.equal(rsp.headers['location'], 'https://h.example/some/path');
});

test('redirect filters validate status codes and locations', () => {
  assertRejects([
    ['redirectTo', []], ['redirectTo', ['302']], ['redirectTo', [200, '/x']], ['redirectTo', [302.5]],
    ['redirectTo', [404]], ['redirectTo', [302, 1]], ['redirectTo', [302, '/x', 'y']],
    ['redirectTo', [302, ':no-scheme']], ['redirectTo', [302, '/bad%zzescape']], ['redirectTo', [302, 'http://a b/']],
    ['redirectToLower', [600]],
  ]);
});
