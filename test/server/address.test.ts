import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress, parseListenAddress, urlOf } from '../../src/server/address.ts';
import { matchesName } from '../../src/server/tls.ts';

test('Go listen addresses', () => {
  assert.deepEqual(parseListenAddress(':9090'), { host: undefined, port: 9090 });
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseListenAddress('localhost:'), { host: 'localhost', port: 0 });
  assert.throws(() => parseListenAddress('9090'), /missing port/);
  assert.throws(() => parseListenAddress(':99999'), /out of range/);
  assert.throws(() => parseListenAddress(':0x50'), /port must be a number/);
  assert.throws(() => parseListenAddress(': 80'), /port must be a number/);
  assert.throws(() => parseListenAddress('::1:80'), /brackets/);
  assert.throws(() => parseListenAddress('a b:80'), /bad host/);
  assert.equal(formatAddress('::', 9090), ':9090');
  assert.equal(formatAddress('::1', 80), '[::1]:80');
  assert.equal(formatAddress('127.0.0.1', 80), '127.0.0.1:80');
});

test('certificate names match exactly or by one-label wildcard', () => {
  assert.ok(matchesName('a.example.org', 'a.example.org'));
  assert.ok(matchesName('*.example.org', 'a.example.org'));
  assert.ok(!matchesName('*.example.org', 'a.b.example.org'));
  assert.ok(!matchesName('*.example.org', 'example.org'));
});

test('the start-up URL says when a listener binds every interface', () => {
  assert.equal(urlOf({ address: '::', port: 9911 }, 'http', ':9911'), 'http://localhost:9911/ (all interfaces)');
  assert.equal(urlOf({ address: '127.0.0.1', port: 9911 }, 'http', '127.0.0.1:9911'), 'http://127.0.0.1:9911/');
  assert.equal(urlOf({ address: '::1', port: 80 }, 'https', '[::1]:80'), 'https://[::1]:80/');
});
