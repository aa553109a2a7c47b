/**
 * Body filters under failure: the client leaving early, the backend breaking mid-body, undecodable bodies.
 * Invariant: the client never takes a broken body for a complete one, and the proxy keeps serving (an
 * uncaught error would fail the test through node:test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import type { RequestDoneEvent } from '../../src/proxy/types.ts';
import { backend, request, startProxy, until, type Received } from './harness.ts';

/** Reads the response until it ends ('complete') or breaks ('aborted'); `leaveAfter` bytes makes the client leave. */
function fetchOutcome(url: string, headers: Record<string, string> = {}, leaveAfter = Infinity): Promise<{ outcome: string; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    const req = http.get(url, { agent: false, headers }, (res) => {
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes >= leaveAfter) {
          req.destroy();
          resolve({ outcome: 'left', bytes });
        }
      });
      res.on('end', () => resolve({ outcome: 'complete', bytes }));
      res.on('aborted', () => resolve({ outcome: 'aborted', bytes }));
      res.on('error', () => resolve({ outcome: 'aborted', bytes }));
    });
    req.on('error', () => resolve({ outcome: 'aborted', bytes }));
  });
}

/** A backend streaming an endless text body in 16 KiB writes, with back-pressure. */
function endless(_req: Received, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(16 * 1024, 'a');
  const pump = (): void => {
    while (res.write(chunk));
  };
  res.on('drain', pump);
  pump();
}

test('a client leaving mid-body through every body filter: the request ends as not completed, the proxy serves on', async (t) => {
  const be = await backend(t, 'be', endless);
  const done: RequestDoneEvent[] = [];
  const filters = ['compress()', 'chunks(1024, "1ms")', 'bandwidth(1024)', 'wrapContent("[", "]")', 'logBody("response", 10)', 'decompress()'];
  const p = await startProxy(t, `
    ${filters.map((f, i) => `r${i}: Path("/${i}") -> ${f} -> "${be.url}";`).join('\n')}
    ok: Path("/ok") -> status(204) -> <shunt>;
  `, { observer: { requestDone: (e) => void done.push(e) } });
  for (let i = 0; i < filters.length; i++) {
    const r = await fetchOutcome(`${p.url}/${i}`, { 'accept-encoding': 'gzip' }, 64 * 1024);
    assert.equal(r.outcome, 'left', filters[i]);
  }
  await until(() => done.length === filters.length, 'every request to end');
  assert.deepEqual(done.map((e) => e.completed), filters.map(() => false));
  assert.equal((await request(`${p.url}/ok`)).status, 204);
});

test('a backend breaking mid-body is a truncated response for the client, also through compress and decompress', async (t) => {
  const gz = zlib.gzipSync(Buffer.alloc(200_000, 'q'));
  const be = await backend(t, 'be', (req, res) => {
    const encoded = req.url === '/decompress';
    res.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': encoded ? gz.length : 100_000,
      ...(encoded ? { 'content-encoding': 'gzip' } : {}),
    });
    res.write(encoded ? gz.subarray(0, gz.length >> 1) : Buffer.alloc(50_000, 'x'));
    setImmediate(() => res.socket?.destroy());
  });
  const p = await startProxy(t, `
    plain: Path("/plain") -> "${be.url}";
    compress: Path("/compress") -> compress() -> "${be.url}";
    decompress: Path("/decompress") -> decompress() -> "${be.url}";
  `);
  for (const path of ['/plain', '/compress', '/decompress']) {
    const r = await fetchOutcome(p.url + path, { 'accept-encoding': 'gzip' });
    assert.equal(r.outcome, 'aborted', path);
  }
});

test('decompress of a corrupt body breaks the response instead of ending it cleanly', async (t) => {
  const be = await backend(t, 'be', (_req, res) => {
    const bad = Buffer.concat([zlib.gzipSync('good start').subarray(0, 12), Buffer.alloc(64, 0xff)]);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': bad.length });
    res.end(bad);
  });
  const p = await startProxy(t, `r: * -> decompress() -> "${be.url}"; ok: Path("/ok") -> status(204) -> <shunt>;`);
  const r = await fetchOutcome(p.url);
  assert.equal(r.outcome, 'aborted');
  assert.equal((await request(`${p.url}/ok`)).status, 204);
});
