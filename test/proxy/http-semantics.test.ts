import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { get, listen, startProxy } from './harness.ts';
import { RawClient } from './raw-client.ts';

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

test('204 and 304 carry no Content-Length or Transfer-Encoding (304 no Content-Type), HEAD keeps Content-Length; no stray body bytes', async (t) => {
  // A raw backend, so the framing headers it sends are exactly these (node:http would drop some itself).
  const conns = new Set<net.Socket>();
  const be = net.createServer((s) => {
    conns.add(s);
    let buf = '';
    s.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end !== -1; end = buf.indexOf('\r\n\r\n')) {
        const line = buf.slice(0, buf.indexOf('\r\n'));
        buf = buf.slice(end + 4);
        if (line.includes(' /304 ')) s.write('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n');
        else if (line.includes(' /204 ')) s.write('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n');
        else if (line.startsWith('HEAD ')) s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n');
        else s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world');
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    be.close(() => r());
    for (const s of conns) s.destroy();
  }));
  const beUrl = `http://127.0.0.1:${(be.address() as net.AddressInfo).port}`;
  // status(204) over the backend's 200 with a body (Skipper's status filter).
  const to204: FilterInstance = { name: 'status', response: (ctx) => void (ctx.response!.status = 204) };
  const inline: FilterInstance = {
    name: 'inlineContent',
    request: (ctx) => ctx.serve({ status: 200, headers: { 'content-length': '4', 'content-type': 'text/plain' }, body: Readable.from([Buffer.from('made')]) }),
  };
  const { port } = await startProxy(t, [
    { id: 'status', match: (r) => r.path === '/status204', filters: [to204], backend: beUrl },
    { id: 'inline', match: (r) => r.path === '/inline', filters: [inline], backend: '<shunt>' },
    { id: 'be', backend: beUrl },
  ]);
  const c = await RawClient.open(t, port);
  const ask = async (method: string, path: string): Promise<string> => {
    c.write(`${method} ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
    const r = await c.response(method === 'HEAD');
    assert.ok(r !== null, `${method} ${path}: connection kept`);
    assert.equal(r.body, '');
    return r.head;
  };
  for (const path of ['/204', '/304', '/status204']) {
    const head = await ask('GET', path);
    assert.doesNotMatch(head, /content-length|transfer-encoding/i, path);
    if (path === '/304') assert.doesNotMatch(head, /content-type/i, 'Go drops Content-Type from a 304');
  }
  assert.match(await ask('HEAD', '/'), /\r\ncontent-length: 11/i);
  assert.match(await ask('HEAD', '/inline'), /\r\ncontent-length: 4/i);
  // Had a body byte been sent after any of the answers above, it would sit in front of this response.
  c.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  const last = await c.response();
  assert.match(last!.head, /^HTTP\/1\.1 200/);
  assert.equal(last!.body, 'hello world');
  assert.equal(c.pending, 0);
});
