import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { listen, startProxy } from './harness.ts';

test('readTimeout setting: a client that stalls its body is cut off', async (t) => {
  let backendClosed!: () => void;
  const closed = new Promise<void>((r) => (backendClosed = r));
  let backendSawRequest = false;
  const be = await listen(t, (req, res) => {
    backendSawRequest = true;
    req.resume();
    res.on('close', () => backendClosed());
  });
  const rt: FilterInstance = { name: 'readTimeout', request: (ctx) => void (ctx.settings.readTimeoutMs = 100) };
  const { port } = await startProxy(t, [{ id: 'r', filters: [rt], backend: be.url }]);
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello');
  await new Promise<void>((r) => s.on('close', () => r())); // hangs (test timeout) if the proxy waits forever
  // On a busy machine the 100 ms may pass before the backend call starts; when it did start, it must end too.
  if (backendSawRequest) await closed;
});

test('writeTimeout setting: a response that takes too long to write is cut off', async (t) => {
  const be = await listen(t, (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('tick\n'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const wt: FilterInstance = { name: 'writeTimeout', request: (ctx) => void (ctx.settings.writeTimeoutMs = 150) };
  const { url } = await startProxy(t, [{ id: 'r', filters: [wt], backend: be.url }]);
  const outcome = await new Promise<string>((resolve) => {
    http.get(`${url}/`, { agent: false }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve('end'));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    }).on('error', () => resolve('cut'));
  });
  assert.equal(outcome, 'cut');
});

test('backendTimeout also bounds a response body that is still streaming: the client connection is cut', async (t) => {
  const be = await listen(t, (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('tick\n'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const bt: FilterInstance = { name: 'backendTimeout', request: (ctx) => void (ctx.settings.backendTimeoutMs = 1000) };
  const { url } = await startProxy(t, [{ id: 'r', filters: [bt], backend: be.url }]);
  const outcome = await new Promise<string>((resolve) => {
    http.get(`${url}/`, { agent: false }, (res) => {
      assert.equal(res.statusCode, 200, 'the headers arrived in time');
      res.on('data', () => {});
      res.on('end', () => resolve('end'));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    }).on('error', () => resolve('cut'));
  });
  assert.equal(outcome, 'cut');
});
