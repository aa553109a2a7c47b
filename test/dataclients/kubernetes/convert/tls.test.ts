/** TLS Secrets → certificates, with Skipper's validation messages (fixtures ingressV1/tls). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateFromSecret, matchingTLSHosts } from '../../../../src/dataclients/kubernetes/convert/tls.ts';
import type { KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';

// A throw-away self-signed P-256 pair for example.org, and a key that does not belong to it.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIULnrFwDGbBvWXByQerOKm+GmaUIswCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZXhhbXBsZS5vcmcwIBcNMjYxMTI2MDk0NzU0WhgPMjEyNjEx
MDIwOTQ3NTRaMBYxFDASBgNVBAMMC2V4YW1wbGUub3JnMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE6Q7af7IM4KeyhYJWYOPdjB8H5Z1447+Dj+hEzUeTohViUlam
PdGPrNVzLGiwm50UjAvMmFsknkG4EIt994FNDKNTMFEwHQYDVR0OBBYEFNrIrosk
fEj0VCQ5AdMbMKbEupXoMB8GA1UdIwQYMBaAFNrIroskfEj0VCQ5AdMbMKbEupXo
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgfe7HJWtabrOF4jmK
7GQDO/EJkiHkMs1FIRHp9/Z1ZuYCIQCmJIBFJPZpPaRJXJQQuTol0ApMRImxYSBX
Bt6kyi+a4g==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHNEsamMdszz7ZsPH
aYa7Km1G0j2GlK1LzWb5qGqt6AehRANCAATpDtp/sgzgp7KFglZg492MHwflnXjj
v4OP6ETNR5OiFWJSVqY90Y+s1XMsaLCbnRSMC8yYWySeQbgQi333gU0M
-----END PRIVATE KEY-----
`;
const OTHER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwazazINbYxDDPi/T
u0ZOt/cFgurG5jSeX8PkqAACuj6hRANCAAS7Oktels2jUcGN2E1sxpWnsV3VkRBq
cDdO3o5m1kQ6JLgPOjxPr/mbz9XPUw6xprI15c5NMshBCjMdbk1Lyqpa
-----END PRIVATE KEY-----
`;

const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>, type = 'kubernetes.io/tls'): KubeObject {
  return { kind: 'Secret', metadata: { namespace: 'default', name: 'myapp-secret' }, type, data };
}

test('a valid kubernetes.io/tls secret yields the PEM pair for the matching hosts', () => {
  const c = certificateFromSecret(secret({ 'tls.crt': b64(CERT), 'tls.key': b64(KEY) }), ['example.org']);
  assert.ok(!(c instanceof Error));
  assert.deepEqual({ ...c, cert: c.cert === CERT, key: c.key === KEY }, {
    hosts: ['example.org'],
    secretNamespace: 'default',
    secretName: 'myapp-secret',
    cert: true,
    key: true,
  });
});

test('invalid secrets are rejected with Skipper\'s messages', () => {
  const msg = (s: KubeObject) => {
    const c = certificateFromSecret(s, ['example.org']);
    return c instanceof Error ? c.message : 'ok';
  };
  assert.equal(msg(secret({ 'tls.crt': b64(CERT) })), 'secret must contain tls.crt and tls.key in data field');
  assert.equal(msg(secret({ 'tls.crt': 'thisisnotacert', 'tls.key': 'thisisnotakey' })), 'failed to decode tls.crt from secret myapp-secret');
  assert.equal(msg(secret({ 'tls.crt': b64(CERT), 'tls.key': b64(OTHER_KEY) })), 'failed to create tls certificate from secret myapp-secret');
  assert.equal(msg(secret({ 'tls.crt': b64(CERT), 'tls.key': b64(KEY) }, 'Opaque')), 'secret myapp-secret is not of type kubernetes.io/tls');
});

test('TLS hosts must also be rule hosts; Skipper walks the TLS hosts backwards', () => {
  assert.deepEqual(matchingTLSHosts(['a.org', 'b.org', 'c.org'], ['c.org', 'a.org']), ['c.org', 'a.org']);
  assert.deepEqual(matchingTLSHosts(['x.org'], ['a.org']), []);
});
