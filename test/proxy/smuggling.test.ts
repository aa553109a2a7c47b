/**
 * Request smuggling shapes get 400 and never reach a backend. Most are refused by node:http's parser before
 * the proxy sees them; the rest by src/proxy/validate.ts. Raw sockets, since well-behaved clients cannot
 * send these.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import { checkFraming } from '../../src/proxy/validate.ts';
import { listen, startProxy } from './harness.ts';

const CASES: Record<string, string> = {
  'Content-Length with Transfer-Encoding': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'two different Content-Length': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
  'two equal Content-Length': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello',
  'Content-Length list': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!',
  'signed Content-Length': 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello',
  'chunked not last': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n',
  'coding before chunked': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
  'unknown coding': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
  'space before colon': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
  'obs-fold framing header': 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n chunked\r\n\r\n0\r\n\r\n',
  'two Host headers': 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
  'HTTP/1.0 with Transfer-Encoding': 'POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
};

/** Rejections nginx answers with another status than 400. */
const STATUS: Record<string, number> = { 'coding before chunked': 501 };

function send(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let d = '';
    s.on('data', (c) => (d += c));
    s.on('close', () => resolve(d));
    s.on('error', reject);
    s.write(raw);
  });
}

test('smuggling shapes are rejected with 400 and the connection closed', async (t) => {
  let backendCalls = 0;
  const be = await listen(t, (req, res) => {
    backendCalls++;
    req.resume();
    res.end('reached');
  });
  const { port } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  for (const [name, raw] of Object.entries(CASES)) {
    const out = await send(port, raw);
    assert.match(out, new RegExp(`^HTTP/1\\.1 ${STATUS[name] ?? 400} `), name);
    assert.doesNotMatch(out, /reached/, name);
  }
  assert.equal(backendCalls, 0);
  // Control: a well-formed chunked request passes.
  const ok = await send(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  assert.match(ok, /^HTTP\/1\.1 200 /);
  assert.equal(backendCalls, 1);
});

test('an HTTP/2.0 request line is 505 and never reaches a backend', async (t) => {
  let backendCalls = 0;
  const be = await listen(t, (req, res) => {
    backendCalls++;
    res.end('reached');
  });
  const { port } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const out = await send(port, 'GET / HTTP/2.0\r\nHost: x\r\n\r\n');
  assert.match(out, /^HTTP\/1\.1 505 /);
  assert.equal(backendCalls, 0);
});

test('with the lenient parser the proxy still refuses conflicting framing', async (t) => {
  let backendCalls = 0;
  const be = await listen(t, (req, res) => {
    backendCalls++;
    req.resume();
    res.end('reached');
  });
  const { proxy } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const lenient = http.createServer({ insecureHTTPParser: true }, (req, res) => proxy.handleRequest(req, res));
  await new Promise<void>((r) => lenient.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    lenient.closeAllConnections();
    lenient.close(() => r());
  }));
  const port = (lenient.address() as net.AddressInfo).port;
  const out = await send(port, CASES['Content-Length with Transfer-Encoding']!);
  assert.match(out, /^HTTP\/1\.1 400 /);
  assert.equal(backendCalls, 0);
});

test('checkFraming names the problem', () => {
  const req = (headers: Record<string, string>, raw: string[], httpVersion = '1.1'): IncomingMessage => ({
    headers, rawHeaders: raw, httpVersion, httpVersionMajor: Number(httpVersion[0]), httpVersionMinor: Number(httpVersion[2]),
  }) as unknown as IncomingMessage;
  assert.equal(checkFraming(req({ host: 'a' }, ['Host', 'a'])), null);
  assert.equal(checkFraming(req({ 'transfer-encoding': 'Chunked' }, ['Transfer-Encoding', 'Chunked'])), null);
  assert.match(checkFraming(req({ 'transfer-encoding': 'chunked', 'content-length': '5' }, []))!.message, /both/);
  assert.match(checkFraming(req({ 'transfer-encoding': 'gzip, chunked' }, []))!.message, /unsupported transfer coding/);
  assert.equal(checkFraming(req({ 'transfer-encoding': 'gzip, chunked' }, []))!.code, 'SKJ_ERR_PROXY_NOT_IMPLEMENTED');
  assert.match(checkFraming(req({ 'transfer-encoding': 'chunked' }, [], '1.0'))!.message, /HTTP\/1\.0/);
  assert.equal(checkFraming(req({}, [], '2.0'))!.code, 'SKJ_ERR_PROXY_HTTP_VERSION');
  assert.match(checkFraming(req({ host: 'a' }, ['Host', 'a', 'host', 'b']))!.message, /more than one Host/);
  assert.match(checkFraming(req({ 'content-length': '5' }, ['Content-Length', '5', 'Content-Length', '6']))!.message, /conflicting/);
  assert.match(checkFraming(req({ 'content-length': '-1' }, ['Content-Length', '-1']))!.message, /invalid Content-Length/);
});
