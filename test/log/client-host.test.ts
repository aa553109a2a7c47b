import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientHost } from '../../src/log/client-host.ts';
import { formatCombined, formatJson, type AccessEntry } from '../../src/log/access-log.ts';

// Cases from Skipper's logging/access_test.go (TestUseXForwarded…, TestStripPort…).
test('the client field follows X-Forwarded-For as Skipper writes it', () => {
  assert.equal(clientHost('127.0.0.1:5555', '192.168.3.3'), '192.168.3.3');
  assert.equal(clientHost('127.0.0.1:5555', '192.168.3.3, 192.168.4.4'), '192.168.3.3, 192.168.4.4');
  assert.equal(clientHost('127.0.0.1:5555', '192.168.3.3:80, 192.168.4.4'), '192.168.3.3, 192.168.4.4');
  assert.equal(clientHost('127.0.0.1:5555', 'helloworld, 192.168.3.3:6969'), '192.168.3.3');
  assert.equal(clientHost('127.0.0.1:5555', 'helloworld, [2001:db8:85a3:8d3:1319:8a2e:370:7348]:1234'), '2001:db8:85a3:8d3:1319:8a2e:370:7348');
  assert.equal(clientHost('127.0.0.1:5555', '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(clientHost('127.0.0.1:5555', 'helloworld'), '');
});

test('without X-Forwarded-For the client field is the peer address without its port', () => {
  assert.equal(clientHost('192.168.3.3:6969', undefined), '192.168.3.3');
  assert.equal(clientHost('192.168.3.3', ''), '192.168.3.3');
  assert.equal(clientHost('::1', ''), '::1');
  assert.equal(clientHost('[::1]:80', ''), '::1');
  assert.equal(clientHost('', ''), '');
});

test('both access log formats carry the client field', () => {
  const e: AccessEntry = {
    method: 'GET', uri: '/', httpVersion: '1.1', host: 'example.org', remoteAddress: '127.0.0.1', forwardedFor: '10.1.2.3, 10.4.5.6',
    userAgent: 'ua', referer: '', status: 200, bytes: 2, startTime: 0, durationMs: 1,
  };
  assert.match(formatCombined(e), /^10\.1\.2\.3, 10\.4\.5\.6 - - \[/);
  assert.equal(JSON.parse(formatJson(e)).host, '10.1.2.3, 10.4.5.6');
  assert.match(formatCombined({ ...e, forwardedFor: undefined }), /^127\.0\.0\.1 - - \[/);
});
