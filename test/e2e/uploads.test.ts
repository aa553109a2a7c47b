/**
 * Request bodies the backend does not read to the end. Invariant: once the client has its answer, its
 * connection is either drained (the upload completes and the connection stays usable) or closed; it never
 * stalls with the upload half sent.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { rawServer, startProxy, until } from './harness.ts';

interface Upload {
  status: number;
  body: string;
  /** Set once the whole body was written or the connection closed. */
  settled: () => boolean;
}

/**
 * POSTs `size` bytes on a keep-alive connection (a closing one would hide a stall: the server ends it
 * after the response anyway); resolves when the response has ended, the upload possibly still in flight.
 */
function upload(t: TestContext, url: string, size: number): Promise<Upload> {
  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-length': String(size) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, settled: () => settled }));
    });
    req.on('finish', () => (settled = true));
    req.on('close', () => (settled = true));
    // A proxy that closes the connection mid-upload is allowed: it shows as EPIPE/ECONNRESET here.
    req.on('error', (e) => (settled ? undefined : (settled = true, reject(e))));
    req.end(Buffer.alloc(size, 'u'));
  });
}

test('a backend that answers early, or times out, during a large upload: the client gets the answer and is not left stalled', async (t) => {
  const early = await rawServer(t, (_req, res) => {
    res.writeHead(413, { 'content-type': 'text/plain' });
    res.end('too big');
  });
  const silent = await rawServer(t, () => {});
  const p = await startProxy(t, `
    early: Path("/early") -> "${early.url}";
    timeout: Path("/timeout") -> backendTimeout("100ms") -> "${silent.url}";
  `);
  for (const [path, status] of [['/early', 413], ['/timeout', 504]] as const) {
    const u = await upload(t, p.url + path, 8 * 1024 * 1024);
    assert.equal(u.status, status, path);
    // A hang detector, not a timing assertion: a drained or closed connection settles in milliseconds.
    await until(u.settled, `the upload to ${path} to be drained or its connection closed`, 2000);
  }
});

test('a body wrapped by logBody or split by tee, then answered without a backend: the connection is not left stalled', async (t) => {
  const p = await startProxy(t, `
    logBody: Path("/logbody") -> logBody("request", 10) -> status(204) -> <shunt>;
    tee: Path("/tee") -> tee("http://127.0.0.1:1") -> status(204) -> <shunt>;
  `);
  for (const path of ['/logbody', '/tee']) {
    const u = await upload(t, p.url + path, 8 * 1024 * 1024);
    assert.equal(u.status, 204, path);
    await until(u.settled, `the upload to ${path} to be drained or its connection closed`, 2000);
  }
});

test('answers without reading the upload that leave the connection usable: a serving filter, no route', async (t) => {
  const p = await startProxy(t, `served: Path("/served") -> inlineContent("served") -> <shunt>;`);
  for (const [path, status] of [['/served', 200], ['/none', 404]] as const) {
    const u = await upload(t, p.url + path, 8 * 1024 * 1024);
    assert.equal(u.status, status, path);
    await until(u.settled, `the upload to ${path} to be drained or its connection closed`, 2000);
  }
});
