import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { get, listen, startProxy } from './harness.ts';

test('HEAD, 204 and 304 pass without a body; Content-Length of HEAD is kept', async (t) => {
  const be = await listen(t, (req, res) => {
    if (req.url === '/204') return void res.writeHead(204).end();
    if (req.url === '/304') return void res.writeHead(304, { etag: '"x"' }).end();
    res.writeHead(200, { 'content-length': '11', 'content-type': 'text/plain' });
    res.end(req.method === 'HEAD' ? undefined : 'hello world');
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const head = await get(`${url}/`, { method: 'HEAD' });
  assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, '', '11']);
  assert.deepEqual([(await get(`${url}/204`)).status, (await get(`${url}/204`)).body], [204, '']);
  const nm = await get(`${url}/304`);
  assert.deepEqual([nm.status, nm.headers.etag], [304, '"x"']);
});

test('chunked uploads stream through; multi-valued response headers stay separate', async (t) => {
  const be = await listen(t, (req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.end(`${req.headers['transfer-encoding'] ?? 'none'} ${n}`);
    });
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const r = await new Promise<{ body: string; cookies: string[] }>((resolve, reject) => {
    const req = http.request(`${url}/up`, { method: 'POST', agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ body, cookies: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    Readable.from(['abc', 'defg', 'h']).pipe(req);
  });
  assert.equal(r.body, 'chunked 8');
  assert.deepEqual(r.cookies, ['a=1; Path=/', 'b=2; Path=/']);
});

test('Expect: 100-continue is answered by the proxy and the body follows', async (t) => {
  const be = await listen(t, (req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.end(`${req.headers.expect ?? 'no-expect'} ${n}`));
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request(`${url}/`, { method: 'PUT', agent: false, headers: { expect: '100-continue', 'content-length': '5' } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(b));
    });
    req.on('continue', () => req.end('hello'));
    req.on('error', reject);
  });
  assert.equal(body, 'no-expect 5');
});

test('a backend that breaks mid-body resets the client connection instead of sending a short 200', async (t) => {
  const be = await listen(t, (req, res) => {
    if (req.url === '/ok') return void res.end('fine');
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const outcome = await new Promise<string>((resolve) => {
    http.get(`${url}/`, { agent: false }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve('complete'));
      res.on('error', () => resolve('error'));
      res.on('aborted', () => resolve('error'));
    }).on('error', () => resolve('error'));
  });
  assert.equal(outcome, 'error');
  assert.equal((await get(`${url}/ok`)).status, 200, 'the proxy still serves');
});
