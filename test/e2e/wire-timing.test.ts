/**
 * Diagnostic filters that shape time and slicing on the wire. Assertions are on bytes and read boundaries;
 * the only time checks are lower bounds (a delay filter guarantees at least its delay), which a busy
 * machine can only make larger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { RequestDoneEvent } from '../../src/proxy/types.ts';
import { backend, request, startProxy, until, type Received } from './harness.ts';

/** A backend that answers with `body` in one write and no Content-Length, so the proxy frames it chunked. */
function chunkedBody(body: string) {
  return (_req: Received, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  };
}

// A timer may fire up to a millisecond early; the slack keeps the lower bound exact in spirit.
const SLACK_MS = 5;

test('latency delays the response, backendLatency delays the call to the backend', async (t) => {
  let arrived = 0;
  const be = await backend(t, 'be');
  be.onRequest = () => void (arrived = performance.now());
  const p = await startProxy(t, `
    lat: Path("/latency") -> latency(200) -> "${be.url}";
    blat: Path("/backend") -> backendLatency("200ms") -> "${be.url}";
  `);
  let sent = performance.now();
  let r = await request(`${p.url}/latency`);
  assert.equal(r.status, 200);
  assert.ok(performance.now() - sent >= 200 - SLACK_MS, 'the response came no earlier than the latency');

  sent = performance.now();
  r = await request(`${p.url}/backend`);
  assert.equal(r.status, 200);
  assert.ok(arrived - sent >= 200 - SLACK_MS, 'the backend saw the request no earlier than the latency');
  assert.equal(be.received.length, 2);
});

test('chunks slices the response body into reads of the given size', async (t) => {
  const be = await backend(t, 'be', chunkedBody('abcdefghij'));
  const p = await startProxy(t, `r: * -> chunks(4, "10ms") -> "${be.url}";`);
  const r = await request(p.url);
  assert.equal(r.status, 200);
  assert.deepEqual(r.reads.map(String), ['abcd', 'efgh', 'ij']);
});

test('backendChunks slices the request body on its way to the backend', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `r: * -> backendChunks(3, "10ms") -> "${be.url}";`);
  // Sent chunked (no Content-Length), so every slice is its own chunk on the backend connection.
  const r = await request(p.url, { method: 'POST', body: ['abcdefgh'] });
  assert.equal(r.status, 200);
  assert.equal(be.received[0]!.body.toString(), 'abcdefgh');
  assert.deepEqual(be.received[0]!.reads, [3, 3, 2]);
});

test('bandwidth passes the body in 512-byte slices no faster than the rate', async (t) => {
  const body = 'x'.repeat(4096);
  const be = await backend(t, 'be', chunkedBody(body));
  const p = await startProxy(t, `r: * -> bandwidth(32) -> "${be.url}";`);
  const sent = performance.now();
  const r = await request(p.url);
  const elapsed = performance.now() - sent;
  assert.equal(r.text, body);
  assert.ok(r.reads.every((c) => c.length <= 512), `reads ${r.reads.map((c) => c.length)}`);
  assert.ok(r.reads.length >= 8);
  // The last 512-byte slice leaves once the first 3584 bytes at 32 KiB/s are due: 109 ms.
  assert.ok(elapsed >= 109 - SLACK_MS, `took ${elapsed} ms`);
});

test('backendBandwidth passes the request body to the backend in 512-byte slices no faster than the rate', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `r: * -> backendBandwidth(16) -> "${be.url}";`);
  const body = 'y'.repeat(2048);
  const sent = performance.now();
  const r = await request(p.url, { method: 'POST', body: [body] });
  const elapsed = performance.now() - sent;
  assert.equal(r.status, 200);
  assert.equal(be.received[0]!.body.toString(), body);
  assert.ok(be.received[0]!.reads.every((n) => n <= 512), `reads ${be.received[0]!.reads}`);
  // The last 512-byte slice leaves once the first 1536 bytes at 16 KiB/s are due: 94 ms.
  assert.ok(elapsed >= 94 - SLACK_MS, `took ${elapsed} ms`);
});

test('tarpit answers 200 with one space per interval until the client leaves; the backend is never called', async (t) => {
  const be = await backend(t, 'be');
  const done: RequestDoneEvent[] = [];
  const p = await startProxy(t, `r: * -> tarpit("10ms") -> "${be.url}"; ok: Path("/ok") -> status(204) -> <shunt>;`, { observer: { requestDone: (e) => void done.push(e) } });
  const reads: string[] = [];
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.get(p.url, { agent: false }, (res) => {
      res.on('data', (c: Buffer) => {
        reads.push(c.toString());
        if (reads.length === 3) {
          req.destroy();
          resolve(res.statusCode!);
        }
      });
    });
    req.on('error', (e) => (reads.length < 3 ? reject(e) : undefined));
  });
  assert.equal(status, 200);
  assert.deepEqual(reads, [' ', ' ', ' ']);
  await until(() => done.length === 1, 'the proxy to notice the client left');
  assert.equal(done[0]!.completed, false);
  assert.equal(be.received.length, 0);
  assert.equal((await request(`${p.url}/ok`)).status, 204, 'the proxy keeps serving');
});
