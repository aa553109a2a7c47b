import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/errors.ts';
import { parseForwardedHeaders } from '../../src/config/forwarded-headers.ts';

test('-forwarded-headers: Skipper\'s entries map to the proxy option; empty is none', () => {
  assert.equal(parseForwardedHeaders([]), null);
  assert.deepEqual(
    parseForwardedHeaders(['X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Method', 'X-Forwarded-Uri', 'X-Forwarded-Port=443', 'X-Forwarded-Proto=https']),
    { for: true, host: true, method: true, uri: true, port: '443', proto: 'https' },
  );
  assert.deepEqual(parseForwardedHeaders(['X-Forwarded-Proto=http']), { proto: 'http' });
  assert.throws(() => parseForwardedHeaders(['X-Forwarded-Proto=ftp']), /invalid forwarded header: X-Forwarded-Proto=ftp/);
  assert.throws(() => parseForwardedHeaders(['x-forwarded-for']), /invalid forwarded header: x-forwarded-for/, 'spelled exactly as Skipper');
});

test('bad -forwarded-headers and -forwarded-headers-exclude-cidrs values fail start-up naming the flag', () => {
  const c = loadConfig(['-forwarded-headers=X-Forwarded-For,X-Forwarded-Proto=https', '-forwarded-headers-exclude-cidrs=10.0.0.0/8,2001:db8::/32']);
  assert.deepEqual(c.forwardedHeaders, ['X-Forwarded-For', 'X-Forwarded-Proto=https']);
  assert.deepEqual(c.forwardedHeadersExcludeCidrs, ['10.0.0.0/8', '2001:db8::/32']);
  for (const [argv, re] of [
    [['-forwarded-headers=X-Forwarded-Nope'], /-forwarded-headers: invalid forwarded header: X-Forwarded-Nope/],
    [['-forwarded-headers-exclude-cidrs=10.0.0.1'], /-forwarded-headers-exclude-cidrs: invalid CIDR address: 10\.0\.0\.1/],
    [['-forwarded-headers-exclude-cidrs=10.0.0.0/33'], /-forwarded-headers-exclude-cidrs: invalid CIDR address: 10\.0\.0\.0\/33/],
  ] as const) {
    assert.throws(() => loadConfig([...argv]), (e: unknown) => e instanceof ConfigError && re.test(e.message), argv.join(' '));
  }
});
