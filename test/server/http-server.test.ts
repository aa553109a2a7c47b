import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, Agent } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createProxyServer } from '../../src/server/http-server.ts';

const timeouts = { readTimeoutMs: 300_000, readHeaderTimeoutMs: 60_000, writeTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxHeaderBytes: 1 << 20 };

test('drain lets in-flight requests finish with Connection: close, then closes', async (t) => {
  const pending: (() => void)[] = [];
  const listener = createProxyServer({ ...timeouts, onRequest: (_req, res) => pending.push(() => res.end('done')) });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => listener.server.closeAllConnections());
  const port = (listener.server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const got = new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
    request({ port, host: '127.0.0.1', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ body, connection: res.headers.connection }));
    }).on('error', reject).end();
  });
  while (listener.inFlight === 0) await new Promise((r) => setImmediate(r));
  const drained = listener.drain(10_000);
  pending.shift()!();
  const res = await got;
  assert.equal(res.body, 'done');
  assert.equal(res.connection, 'close');
  assert.equal(await drained, true);
  assert.equal(listener.server.listening, false);
});

test('drain cuts requests that outlive the bound', async (t) => {
  const listener = createProxyServer({ ...timeouts, onRequest: () => {} });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  const port = (listener.server.address() as AddressInfo).port;
  const failed = new Promise<Error>((resolve) => request({ port, host: '127.0.0.1' }).on('error', resolve).end());
  t.after(() => listener.server.closeAllConnections());
  while (listener.inFlight === 0) await new Promise((r) => setImmediate(r));
  assert.equal(await listener.drain(50), false);
  assert.match((await failed).message, /socket hang up|ECONNRESET/);
});

test('the write timeout ends responses that take too long', async (t) => {
  const listener = createProxyServer({ ...timeouts, writeTimeoutMs: 50, onRequest: (_req, res) => res.write('partial') });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => listener.server.close());
  const port = (listener.server.address() as AddressInfo).port;
  const outcome = await new Promise<string>((resolve) => {
    request({ port, host: '127.0.0.1' }, (res) => {
      res.on('data', () => {}).on('error', () => resolve('aborted')).on('end', () => resolve('ended'));
    }).on('error', () => resolve('aborted')).end();
  });
  assert.equal(outcome, 'aborted');
});

test('the write timeout also bounds a later request on the same keep-alive connection', async (t) => {
  let n = 0;
  const listener = createProxyServer({ ...timeouts, writeTimeoutMs: 50, onRequest: (_req, res) => (++n === 1 ? res.end('first') : res.write('partial')) });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => listener.server.close());
  const port = (listener.server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const get = (): Promise<string> => new Promise((resolve) => {
    request({ port, host: '127.0.0.1', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('error', () => resolve('aborted')).on('end', () => resolve(body));
    }).on('error', () => resolve('aborted')).end();
  });
  assert.equal(await get(), 'first');
  assert.equal(await get(), 'aborted');
  assert.equal(n, 2);
});

test('-max-header-bytes rejects larger request headers with 431', async (t) => {
  const listener = createProxyServer({ ...timeouts, maxHeaderBytes: 1024, onRequest: (_req, res) => res.end('ok') });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => listener.server.close());
  const port = (listener.server.address() as AddressInfo).port;
  const status = (headers: Record<string, string>): Promise<number> => new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1', headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject).end();
  });
  assert.equal(await status({ 'x-small': 'a' }), 200);
  assert.equal(await status({ 'x-big': 'a'.repeat(2048) }), 431);
});

test('drain does not reset a keep-alive connection whose next request is sent but not yet read: it is answered with Connection: close', async (t) => {
  const listener = createProxyServer({ ...timeouts, onRequest: (req, res) => res.end(`done ${req.url}`) });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => listener.server.closeAllConnections());
  const port = (listener.server.address() as AddressInfo).port;
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  socket.write('GET /first HTTP/1.1\r\nHost: a\r\n\r\n');
  while (!text.includes('done /first')) await new Promise((r) => setImmediate(r));
  // The second request is on the wire, but the server cannot read it before drain() runs: the
  // connection looks idle to node:http (no request in progress).
  socket.write('GET /second HTTP/1.1\r\nHost: a\r\n\r\n');
  const drained = listener.drain(10_000);
  await once(socket, 'close');
  assert.match(text, /done \/second/, `the second request was answered: ${JSON.stringify(text)}`);
  assert.match(text.slice(text.indexOf('done /first')), /\r\nconnection: close\r\n/i);
  assert.equal(await drained, true);
});
