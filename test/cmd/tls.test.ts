import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSkipjack, startSkipjack } from './harness.ts';

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

function get(port: string, servername: string, ca: Buffer): Promise<{ status: number; body: string; subject: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', servername, ca, headers: { host: servername } }, (res) => {
      let body = '';
      const subject = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN);
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body, subject }));
    }).on('error', reject).end();
  });
}

test('-tls-cert/-tls-key serve HTTPS, choosing the certificate by SNI', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = selfSigned(dir, 'a.example.org');
  const b = selfSigned(dir, 'b.example.org');
  const sj = await startSkipjack(t, [`-tls-cert=${a.cert},${b.cert}`, `-tls-key=${a.key},${b.key}`,
    '-inline-routes=r: * -> inlineContent("secure") -> <shunt>;']);
  assert.match(sj.stderr(), /proxy listening on https:/);
  const port = new URL(sj.base).port;
  const ra = await get(port, 'a.example.org', readFileSync(a.cert));
  assert.deepEqual(ra, { status: 200, body: 'secure', subject: 'a.example.org' });
  const rb = await get(port, 'b.example.org', readFileSync(b.cert));
  assert.equal(rb.subject, 'b.example.org');
});

test('an unreadable -tls-key names the flag and the file', async () => {
  const r = await runSkipjack(['-tls-cert=/nonexistent/c.pem', '-tls-key=/nonexistent/k.pem', '-address=127.0.0.1:0', '-support-listener=', '-workers=1']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /-tls-cert: cannot read \/nonexistent\/c\.pem/);
});
