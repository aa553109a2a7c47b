/** Filters that produce, wrap, swallow or log bodies, observed over HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backend, echoed, rawServer, request, startProxy, type Received } from './harness.ts';

test('randomContent and repeatContent answer with exactly the requested bytes, without the backend', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    rnd: Path("/random") -> randomContent(40000) -> "${be.url}";
    rep: Path("/repeat") -> repeatContent("abc", 10) -> "${be.url}";
    big: Path("/repeat-big") -> repeatContent("0123456789", 100000) -> "${be.url}";
  `);
  const r = await request(`${p.url}/random`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '40000');
  assert.equal(r.body.length, 40000);
  assert.match(r.text, /^[A-Za-z0-9]+$/);
  const r2 = await request(`${p.url}/random`);
  assert.notEqual(r2.text, r.text, 'random each time');
  const rep = await request(`${p.url}/repeat`);
  assert.equal(rep.text, 'abcabcabca');
  const big = await request(`${p.url}/repeat-big`);
  assert.equal(big.text, '0123456789'.repeat(10000));
  assert.equal(be.received.length, 0);
});

test('wrapContent streams the backend body between prefix and suffix and fixes Content-Length', async (t) => {
  const be = await backend(t, 'be', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4' });
    res.end('body');
  });
  const p = await startProxy(t, `r: * -> wrapContent("<<", ">>!") -> "${be.url}";`);
  const r = await request(p.url);
  assert.equal(r.text, '<<body>>!');
  assert.equal(r.headers['content-length'], '9');
});

test('absorb reads the whole upload, answers 200 without the backend and logs the byte count', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `r: * -> absorb() -> "${be.url}";`);
  const body = Buffer.alloc(300_000, 7);
  const r = await request(p.url, { method: 'POST', body, headers: { 'x-flow-id': 'flow-abc-1234' } });
  assert.equal(r.status, 200);
  assert.equal(be.received.length, 0);
  const lines = p.logs.filter((l) => l.message.includes('flow-abc-1234')).map((l) => l.message);
  assert.ok(lines.some((m) => m.endsWith('consumed bytes: 300000')), lines.join('\n'));
  assert.ok(lines.some((m) => m.includes('request finished')));
});

test('absorbSilent swallows the upload without logging', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `r: * -> absorbSilent() -> "${be.url}";`);
  const r = await request(p.url, { method: 'POST', body: ['chunk one', 'chunk two'], headers: { 'x-flow-id': 'silent-flow-1' } });
  assert.equal(r.status, 200);
  assert.equal(be.received.length, 0);
  assert.equal(p.logs.filter((l) => l.message.includes('silent-flow-1')).length, 0);
});

test('logHeader logs request and response heads (Authorization masked); logBody logs the bodies as they stream', async (t) => {
  const be = await backend(t, 'be', (req: Received, res: http.ServerResponse) => {
    res.writeHead(201, { 'x-answer': 'yes' });
    res.end(`got:${req.body}`);
  });
  const p = await startProxy(t, `
    r: * -> logHeader("request", "response") -> logBody("request", 5) -> logBody("response", 1000) -> "${be.url}";
  `);
  const r = await request(`${p.url}/p?q=1`, {
    method: 'PUT', body: 'hello world', headers: { authorization: 'Bearer secret', 'x-flow-id': 'flowflow1' },
  });
  assert.equal(r.status, 201);
  assert.equal(r.text, 'got:hello world', 'logging does not change the bodies');
  const all = p.logs.map((l) => l.message).join('\n');
  assert.match(all, /PUT \/p HTTP\/1\.1\r\nHost: /);
  assert.match(all, /Authorization: TRUNCATED/);
  assert.doesNotMatch(all, /secret/);
  assert.match(all, /201 Created\r\n/);
  assert.match(all, /X-Answer: yes/);
  assert.match(all, /logBody\("request"\) flowflow1: hello$/m, 'the request body, cut at the limit');
  assert.match(all, /logBody\("response"\) flowflow1: got:hello world/);
});

test('inlineContent serves fixed content with a sniffed or given type, without the backend', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    inline: Path("/inline") -> inlineContent("<h1>hi</h1>") -> "${be.url}";
    typed: Path("/typed") -> inlineContent("{}", "application/json") -> <shunt>;
  `);
  const a = await request(`${p.url}/inline`);
  assert.deepEqual([a.status, a.text, a.headers['content-type']], [200, '<h1>hi</h1>', 'text/html; charset=utf-8']);
  const b = await request(`${p.url}/typed`);
  assert.deepEqual([b.text, b.headers['content-type'], b.headers['content-length']], ['{}', 'application/json', '2']);
  assert.equal(be.received.length, 0);
});

test('a serving filter runs its own and earlier response filters only (Skipper\'s ctx.Serve)', async (t) => {
  const p = await startProxy(t, `
    r: * -> status(201) -> setResponseHeader("X-Before", "b") -> inlineContent("made") -> setResponseHeader("X-After", "a") -> <shunt>;
  `);
  const r = await request(p.url);
  assert.deepEqual([r.status, r.text, r.headers['x-before'], r.headers['x-after']], [201, 'made', 'b', undefined]);
  const head = await request(p.url, { method: 'HEAD' });
  assert.deepEqual([head.status, head.body.length, head.headers['content-length']], [201, 0, '4']);
});

test('inlineContentIfStatus replaces the body of responses with the given status only', async (t) => {
  const be = await backend(t, 'be', (req: Received, res: http.ServerResponse) => {
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain', 'content-encoding': 'identity' });
    res.end(`backend ${req.url}`);
  });
  const p = await startProxy(t, `r: * -> inlineContentIfStatus(404, "nothing here", "text/x-custom") -> "${be.url}";`);
  const c = await request(`${p.url}/missing`);
  assert.deepEqual([c.status, c.text, c.headers['content-type']], [404, 'nothing here', 'text/x-custom']);
  assert.equal(c.headers['content-encoding'], undefined);
  const d = await request(`${p.url}/present`);
  assert.deepEqual([d.status, d.text], [200, 'backend /present']);
  assert.deepEqual(be.received.map((x) => x.url), ['/missing', '/present']);
});

test('status(204) over a backend body: no body and no Content-Length (RFC 9110 §8.6), as Go\'s server strips it', async (t) => {
  const be = await rawServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
    res.end('hello');
  });
  const p = await startProxy(t, `r: * -> status(204) -> "${be.url}";`);
  const r = await request(p.url);
  assert.deepEqual([r.status, r.body.length], [204, 0]);
  assert.equal(r.headers['content-length'], undefined);
});

test('status overrides the backend status; static serves a directory', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'skipjack-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'hello.txt'), 'hello file\n');
  await mkdir(path.join(dir, 'sub'));
  await writeFile(path.join(dir, 'sub', 'index.html'), '<p>index</p>');
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    st: Path("/teapot") -> status(418) -> "${be.url}";
    files: PathSubtree("/files") -> static("/files", "${dir}") -> <shunt>;
  `);
  const tea = await request(`${p.url}/teapot`);
  assert.equal(tea.status, 418);
  assert.equal(echoed(tea).url, '/teapot', 'the backend answered, only the status changed');

  const f = await request(`${p.url}/files/hello.txt`);
  assert.deepEqual([f.status, f.text, f.headers['content-type']], [200, 'hello file\n', 'text/plain; charset=utf-8']);
  const range = await request(`${p.url}/files/hello.txt`, { headers: { range: 'bytes=0-4' } });
  assert.deepEqual([range.status, range.text], [206, 'hello']);
  const idx = await request(`${p.url}/files/sub/`);
  assert.equal(idx.text, '<p>index</p>');
  const redirect = await request(`${p.url}/files/sub`);
  assert.deepEqual([redirect.status, redirect.headers.location], [301, 'sub/']);
  assert.equal((await request(`${p.url}/files/none`)).status, 404);
  assert.equal((await request(`${p.url}/files/..%2f..%2fetc%2fpasswd`)).status, 404, 'never outside the root');
});
