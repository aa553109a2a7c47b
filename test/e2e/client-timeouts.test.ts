/** readTimeout and writeTimeout bound the client side of one route's exchange. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { backend, request, startProxy, until } from './harness.ts';

/** Sends `first` of a chunked body and never the rest; resolves with the status, or 'closed' if the proxy hung up first. */
function stalledUpload(url: string, first: string): { result: Promise<number | 'closed'>; abort(): void } {
  let req!: http.ClientRequest;
  const result = new Promise<number | 'closed'>((resolve) => {
    req = http.request(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
      res.on('error', () => resolve(res.statusCode!));
    });
    req.on('error', () => resolve('closed'));
    req.on('close', () => resolve('closed'));
    req.write(first);
  });
  return { result, abort: () => req.destroy() };
}

test('readTimeout: a request body not received in time fails the request; other requests are unaffected', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    slow: Path("/slow") -> readTimeout("100ms") -> "${be.url}";
    ok: Path("/ok") -> "${be.url}";
  `);
  const up = stalledUpload(`${p.url}/slow`, 'only the beginning');
  t.after(() => up.abort());
  const outcome = await up.result;
  assert.ok(outcome === 'closed' || outcome >= 400, `outcome ${outcome}`);
  assert.equal(be.received.filter((r) => r.url === '/slow').length, 0, 'the backend never saw a complete request');
  assert.equal((await request(`${p.url}/ok`)).status, 200);
});

test('writeTimeout: a response not written in time is cut off', async (t) => {
  const be = await backend(t, 'be', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('start;');
  });
  const p = await startProxy(t, `r: * -> writeTimeout("100ms") -> "${be.url}";`);
  let body = '';
  const outcome = await new Promise<string>((resolve) => {
    http.get(p.url, { agent: false }, (res) => {
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve('complete'));
      res.on('aborted', () => resolve('aborted'));
      res.on('error', () => resolve('aborted'));
    }).on('error', () => resolve('aborted'));
  });
  assert.equal(outcome, 'aborted');
  assert.equal(body, 'start;');
  await until(() => be.received.length === 1, 'the request at the backend');
});
