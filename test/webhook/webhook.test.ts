import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSkipjack, startSkipjack } from '../cmd/harness.ts';
import { startNode } from '../support/process.ts';

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'webhook.crt');
  const key = join(dir, 'webhook.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=skipjack-webhook', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

interface Reply {
  status: number;
  body: string;
}

function post(port: string, ca: Buffer, path: string, body: string | Buffer, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    // A refused huge body may reset the connection while it is still being written.
    req.on('error', reject);
    req.end(body);
  });
}

function review(uid: string, kind: string, object: unknown): string {
  return JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { uid, operation: 'CREATE', namespace: 'default', object: { kind, ...(object as object) } } });
}

function routeGroup(name: string, filters: string[]): unknown {
  return {
    apiVersion: 'zalando.org/v1', metadata: { name, namespace: 'default' },
    spec: {
      hosts: ['example.org'],
      backends: [{ name: 'app', type: 'service', serviceName: 'app', servicePort: 80 }],
      defaultBackends: [{ backendName: 'app' }],
      routes: [{ pathSubtree: '/', filters }],
    },
  };
}

function ingress(name: string, filter: string): unknown {
  return {
    apiVersion: 'networking.k8s.io/v1', metadata: { name, namespace: 'default', annotations: { 'zalando.org/skipper-filter': filter } },
    spec: { rules: [{ host: 'example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }] },
  };
}

function parsed(r: Reply): { uid: string; allowed: boolean; status?: { message: string } } {
  assert.equal(r.status, 200, r.body);
  const doc = JSON.parse(r.body);
  assert.equal(doc.kind, 'AdmissionReview');
  assert.equal(doc.apiVersion, 'admission.k8s.io/v1');
  return doc.response;
}

test('the validation webhook admits good objects and rejects bad ones with the reason, over HTTPS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSigned(dir);
  const ca = readFileSync(cert);
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> <shunt>;', '-validation-webhook-enabled', '-validation-webhook-address=127.0.0.1:0',
    `-validation-webhook-cert-file=${cert}`, `-validation-webhook-key-file=${key}`, '-enable-advanced-validation']);
  const [, port] = await sj.waitFor(/validation webhook listening on https:\/\/127\.0\.0\.1:(\d+)/);

  const good = parsed(await post(port!, ca, '/routegroups', review('u1', 'RouteGroup', routeGroup('good', ['setPath("/x")']))));
  assert.deepEqual(good, { uid: 'u1', allowed: true });

  const syntax = parsed(await post(port!, ca, '/routegroups', review('u2', 'RouteGroup', routeGroup('syntax', ['setPath("/x"']))));
  assert.equal(syntax.uid, 'u2');
  assert.equal(syntax.allowed, false);
  assert.match(syntax.status!.message, /route group default\/syntax|parse|unexpected/i);

  const unknown = parsed(await post(port!, ca, '/routegroups', review('u3', 'RouteGroup', routeGroup('unknown', ['noSuchFilter()']))));
  assert.equal(unknown.allowed, false);
  assert.match(unknown.status!.message, /invalid filter "noSuchFilter\(\)".*noSuchFilter/);

  const badArgs = parsed(await post(port!, ca, '/routegroups', review('u4', 'RouteGroup', routeGroup('args', ['setPath(1, 2, 3)']))));
  assert.equal(badArgs.allowed, false);
  assert.match(badArgs.status!.message, /setPath/);

  const ingOk = parsed(await post(port!, ca, '/ingresses', review('u5', 'Ingress', ingress('ok', 'setRequestHeader("X-A", "b")'))));
  assert.deepEqual(ingOk, { uid: 'u5', allowed: true });
  const ingBad = parsed(await post(port!, ca, '/ingresses', review('u6', 'Ingress', ingress('bad', 'noSuchFilter()'))));
  assert.equal(ingBad.allowed, false);
  assert.match(ingBad.status!.message, /invalid "zalando.org\/skipper-filter" annotation: .*noSuchFilter/);
  const ingSyntax = parsed(await post(port!, ca, '/ingresses', review('u7', 'Ingress', ingress('syntax', 'setPath('))));
  assert.equal(ingSyntax.allowed, false);
  assert.match(ingSyntax.status!.message, /invalid "zalando.org\/skipper-filter" annotation/);

  // Hostile requests: each a bare 400, and the webhook keeps answering.
  assert.equal((await post(port!, ca, '/routegroups', '{not json')).status, 400);
  assert.equal((await post(port!, ca, '/routegroups', '{"request": null}')).status, 400);
  assert.equal((await post(port!, ca, '/routegroups', review('u8', 'RouteGroup', routeGroup('x', [])), 'text/plain')).status, 400);
  assert.equal((await post(port!, ca, '/ingresses', JSON.stringify({ request: { uid: 'u9', object: { metadata: { annotations: { a: 1 } } } } }))).status, 400);
  const huge = await post(port!, ca, '/routegroups', Buffer.alloc(4 * 1024 * 1024, 0x20)).catch((err: Error) => ({ status: 0, body: err.message }));
  assert.ok(huge.status === 400 || huge.status === 0, `huge body: ${huge.status} ${huge.body}`);
  assert.deepEqual(parsed(await post(port!, ca, '/routegroups', review('u10', 'RouteGroup', routeGroup('after', [])))), { uid: 'u10', allowed: true });
  // The proxy is untouched by all of it.
  assert.equal((await fetch(`${sj.base}/`)).status, 404);
});

test('without advanced validation only syntax is checked, as Skipper', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSigned(dir);
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> <shunt>;', '-validation-webhook-enabled', '-validation-webhook-address=127.0.0.1:0',
    `-validation-webhook-cert-file=${cert}`, `-validation-webhook-key-file=${key}`]);
  const [, port] = await sj.waitFor(/validation webhook listening on https:\/\/127\.0\.0\.1:(\d+)/);
  const r = parsed(await post(port!, readFileSync(cert), '/ingresses', review('u1', 'Ingress', ingress('unknown', 'noSuchFilter()'))));
  assert.deepEqual(r, { uid: 'u1', allowed: true });
});

test('-validation-webhook-enabled without a certificate fails start-up naming the flags', async () => {
  const r = await runSkipjack(['-validation-webhook-enabled', '-address=127.0.0.1:0', '-support-listener=', '-workers=1']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /-validation-webhook-enabled.*-validation-webhook-cert-file/);
});

test('skipjack-webhook, Skipper\'s webhook binary: HTTPS with -tls-cert-file/-tls-key-file, syntax checks only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-webhook-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSigned(dir);
  const bin = fileURLToPath(new URL('../../src/cmd/skipjack-webhook.ts', import.meta.url));
  const wh = await startNode(bin, ['-address=127.0.0.1:0', `-tls-cert-file=${cert}`, `-tls-key-file=${key}`], /validation webhook listening on https:\/\/127\.0\.0\.1:(\d+)/);
  t.after(() => wh.stop());
  const port = wh.match[1]!;
  const ca = readFileSync(cert);
  const bad = parsed(await post(port, ca, '/routegroups', review('w1', 'RouteGroup', routeGroup('syntax', ['setPath(']))));
  assert.equal(bad.allowed, false);
  assert.match(bad.status!.message, /setPath|parse|unexpected/i);
  assert.deepEqual(parsed(await post(port, ca, '/ingresses', review('w2', 'Ingress', ingress('unknown', 'noSuchFilter()')))), { uid: 'w2', allowed: true });
  const half = spawnSync(process.execPath, [bin, `-tls-cert-file=${cert}`], { encoding: 'utf8', env: { ...process.env, KEY_FILE: '' } });
  assert.equal(half.status, 2);
  assert.match(half.stderr, /-tls-cert-file and -tls-key-file/);
});
