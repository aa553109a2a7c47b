import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoBackend, get, startProxy } from './harness.ts';

async function httpsBackend(t: import('node:test').TestContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'skipjack-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'c.crt');
  const key = join(dir, 'c.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    res.setHeader('x-backend', 'tls');
    res.end(`secure ${req.headers.host}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('https backends: verified by default (an untrusted certificate is 502), reachable with tlsVerify off', async (t) => {
  const be = await httpsBackend(t);
  const strict = await startProxy(t, [{ id: 'r', backend: be }]);
  assert.equal((await get(`${strict.url}/`)).status, 502);
  const lax = await startProxy(t, [{ id: 'r', backend: be }], { tlsVerify: false });
  const r = await get(`${lax.url}/`);
  assert.deepEqual([r.status, r.body], [200, `secure ${new URL(be).host}`]);
});

test('a TLS failure happens before any request byte: retried on another endpoint', async (t) => {
  const bad = await httpsBackend(t);
  const good = await echoBackend(t, 'good');
  const { url } = await startProxy(t, [{ id: 'lb', backend: { algorithm: 'roundRobin', endpoints: [bad, good.url] } }]);
  for (let i = 0; i < 6; i++) {
    const r = await get(`${url}/`, { method: 'POST', body: 'data' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-backend'], 'good');
  }
});
