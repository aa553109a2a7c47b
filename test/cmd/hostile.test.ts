/**
 * Hostile requests and operator mistakes against the real command (issue 11): a request line no listener
 * may die of, listen addresses rejected before anything starts, a support port in use with workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { ingress, service, endpoints } from '../support/kube-objects.ts';
import { startNode } from '../support/process.ts';
import { runSkipjack, startSkipjack } from './harness.ts';

/** Sends raw bytes on a fresh connection and resolves with everything received until the peer closes. */
async function raw(base: string, bytes: string): Promise<string> {
  const u = new URL(base);
  const s = net.connect(Number(u.port), u.hostname);
  s.setEncoding('latin1');
  let got = '';
  s.on('data', (d: string) => (got += d));
  s.on('error', () => {});
  await once(s, 'connect');
  // Not end(): node's server treats a client's half-close as an abort of the request in flight.
  s.write(bytes);
  await once(s, 'close');
  return got;
}

const HOSTILE_LINES = [
  'GET http://a:99999/ HTTP/1.1',
  'GET http://[::1 HTTP/1.1',
  'GET http://a:b@:/x HTTP/1.1',
  'GET http:// HTTP/1.1',
  'GET * HTTP/1.1',
  'GET x:/\\\\..\\\\..\\\\etc HTTP/1.1',
  'GET /%zz%00%ff HTTP/1.1',
  'GET //a//..//b HTTP/1.1',
  'OPTIONS http://a:99999/routes?format=json HTTP/1.1',
];

for (const workers of [1, 2]) {
  test(`-workers ${workers}: every listener survives hostile request lines`, async (t) => {
    const sj = await startSkipjack(t, ['-inline-routes=r: * -> inlineContent("ok") -> <shunt>;', '-access-log-disabled'], { workers });
    for (const base of [sj.support, sj.base]) {
      for (const line of HOSTILE_LINES) {
        const answer = await raw(base, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.match(answer, /^HTTP\/1\.1 [2-5]\d\d /, `${base} answers ${JSON.stringify(line)}`);
      }
    }
    assert.equal((await fetch(`${sj.support}/healthz`)).status, 200, 'the support listener still serves');
    assert.equal(await (await fetch(`${sj.base}/`)).text(), 'ok', 'the proxy still serves');
    assert.equal(sj.proc.exitCode, null);
    assert.doesNotMatch(sj.stderr(), /TypeError|Uncaught|ERR_INVALID_URL/);
    // The absolute-form target names a path, which the support listener serves.
    const routes = await raw(sj.support, 'GET http://a:99999/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(routes, /^HTTP\/1\.1 200 /);
  });
}

/** Header sets no listener may die of, each on a well-formed request line. */
const HOSTILE_HEADERS = [
  'Host: a:99999',
  'Host: [::1',
  'Host: ',
  'Host: a\tb',
  'Host: x\r\nCookie: =; ;;a=%zz; b="',
  'Host: x\r\nX-Forwarded-For: ::ffff:, 999.1.1.1, [',
  'Host: x\r\nIf-None-Match: *, ,,"',
  'Host: x\r\nExpect: 100-continue',
  'Host: x\r\nContent-Length: 0\r\nTransfer-Encoding: identity',
  'Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade',
  'Host: x\r\nAccept-Encoding: gzip;q=nan, *;q=-1',
];

test('every listener survives hostile header sets', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> inlineContent("ok") -> <shunt>; c: Cookie("a", /^x/) -> <shunt>; d: Host(/^a/) -> setPath("/${1}") -> inlineContent("a") -> <shunt>;', '-access-log-disabled']);
  for (const base of [sj.support, sj.base]) {
    for (const headers of HOSTILE_HEADERS) {
      const answer = await raw(base, `GET /routes HTTP/1.1\r\n${headers}\r\nConnection: close\r\n\r\n`);
      assert.match(answer, /^HTTP\/1\.1 [1-5]\d\d /, `${base} answers ${JSON.stringify(headers)}`);
    }
  }
  assert.equal((await fetch(`${sj.support}/healthz`)).status, 200);
  assert.equal(sj.proc.exitCode, null);
  assert.doesNotMatch(sj.stderr(), /TypeError|Uncaught|ERR_INVALID_URL/);
});

test('skipjack-routesrv survives hostile request lines', async (t) => {
  const api = await KubeApiServer.start([ingress('shop', { host: 'shop.example.org', service: 'shop' }), service('shop'), endpoints('shop', ['10.2.0.1'])]);
  t.after(() => api.stop());
  const routesrv = fileURLToPath(new URL('../../src/cmd/skipjack-routesrv.ts', import.meta.url));
  const srv = await startNode(routesrv, [`-kubernetes-url=${api.url}`, '-address=127.0.0.1:0'], /routes initialized.*\n/);
  t.after(() => srv.stop());
  const base = `http://127.0.0.1:${/listening on [^:]+:(\d+)/.exec(srv.stderr())![1]}`;
  for (const line of HOSTILE_LINES) {
    const answer = await raw(base, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 [2-5]\d\d /, `routesrv answers ${JSON.stringify(line)}`);
  }
  const routes = await raw(base, 'GET http://a:99999/routes?x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(routes, /^HTTP\/1\.1 200 /, 'an absolute-form target names the path it serves');
  assert.equal((await fetch(`${base}/health`)).status, 204);
});

test('bad listen addresses are rejected at flag validation, naming the flag, before any listener starts', async () => {
  for (const [flag, value] of [['address', '127.0.0.1:99999'], ['support-listener', '127.0.0.1:99999'], ['support-listener', 'localhost:http']]) {
    const r = await runSkipjack([`-${flag}=${value}`, '-inline-routes=r: * -> <shunt>;', '-workers=1']);
    assert.equal(r.code, 2, `${flag}=${value}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`flag -${flag}\\b`));
    assert.doesNotMatch(r.stderr, /listening|support listener/, 'nothing started');
  }
});

test('-workers 2 with the support port in use: one error line naming the flag and address, exit code 1', async (t) => {
  const blocker = net.createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => blocker.close());
  const taken = `127.0.0.1:${(blocker.address() as AddressInfo).port}`;
  const r = await runSkipjack(['-address=127.0.0.1:0', `-support-listener=${taken}`, '-workers=2', '-inline-routes=r: * -> <shunt>;', '-application-log-level=WARN']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line:\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`-support-listener ${taken.replace(/\./g, '\\.')}: address already in use`));
  assert.doesNotMatch(r.stderr, /EPIPE|at /);
});

test('-read-header-timeout-server 1s cuts a slowloris connection with 408', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> inlineContent("ok") -> <shunt>;', '-access-log-disabled', '-read-header-timeout-server=1s']);
  const u = new URL(sj.base);
  const s = net.connect(Number(u.port), u.hostname);
  t.after(() => s.destroy());
  s.setEncoding('latin1');
  let got = '';
  s.on('data', (d: string) => (got += d));
  s.on('error', () => {});
  await once(s, 'connect');
  s.write('GET / HTTP/1.1\r\nHost: x\r\n');
  let closed = false;
  s.on('close', () => (closed = true));
  // Well below node's default 30 s check interval; one header line every 100 ms keeps the connection busy.
  for (let i = 0; i < 120 && !closed; i++) {
    s.write('X-Slow: 1\r\n');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(closed, 'the slow connection was cut');
  assert.match(got, /^HTTP\/1\.1 408 /);
});
