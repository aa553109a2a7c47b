import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { routingRequestFrom } from '../../src/routing/request.ts';

const incoming = (url: string, headers: Record<string, string> = {}, remoteAddress = '::ffff:127.0.0.1') =>
  ({ url, method: 'POST', headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

test('routingRequestFrom splits and decodes the target without parsing query or cookies', () => {
  const r = routingRequestFrom(incoming('/a%20b/c%2Fd?x=1&y=%20', { host: 'h.org:8080', cookie: 'a=1' }));
  assert.equal(r.method, 'POST');
  assert.equal(r.host, 'h.org:8080');
  assert.equal(r.path, '/a b/c/d');
  assert.equal(r.rawQuery, 'x=1&y=%20');
  assert.equal(r.query, undefined);
  assert.equal(r.cookies, undefined);
  assert.equal(r.remoteAddress, '127.0.0.1');
});

test('routingRequestFrom handles absolute-form targets, bad escapes and an explicit peer address', () => {
  const r = routingRequestFrom(incoming('http://proxy.example:81/p%zz?q', { host: 'ignored' }), '10.1.2.3');
  assert.equal(r.host, 'proxy.example:81');
  assert.equal(r.path, '/p%zz');
  assert.equal(r.rawQuery, 'q');
  assert.equal(r.remoteAddress, '10.1.2.3');
  assert.equal(routingRequestFrom(incoming('*')).path, '/*');
  assert.equal(routingRequestFrom(incoming('/x', {}, '::1')).remoteAddress, '::1');
});
