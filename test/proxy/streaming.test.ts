/**
 * Invariant: bodies stream through with back-pressure both ways, so a body far larger than the allowed
 * memory growth passes without the process growing by its size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { listen, startProxy } from './harness.ts';

/** 256 MiB by default; SKIPJACK_STREAM_BYTES=1073741824 runs the 1 GiB case by hand. */
const TOTAL = Number(process.env.SKIPJACK_STREAM_BYTES ?? 256 * 1024 * 1024);
const CHUNK = Buffer.alloc(64 * 1024, 'x');
/**
 * The limit on memory retained while the body passes: half the body, so holding it would fail. Measured
 * peaks: 11-47 MiB for 256 MiB, 30-40 MiB for 1 GiB; the in-flight socket write buffers of three parties
 * in one process account for the variation.
 */
const MAX_RETAINED = Math.min(TOTAL / 2, 128 * 1024 * 1024);
const MIB = (TOTAL / 1048576).toFixed(0);

// Garbage from socket reads waits for the GC and would add noise (RSS grew 23-92 MiB for 256 MiB and
// 72-76 MiB for 1 GiB, not scaling with the body). Sampling what survives a full GC (heap + external
// buffers) counts only memory the pipeline really holds.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function retained(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

function source(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

function watchMemory(t: import('node:test').TestContext): { stop(): number } {
  const base = retained();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, retained())), 100);
  t.after(() => clearInterval(timer));
  return {
    stop() {
      clearInterval(timer);
      return peak - base;
    },
  };
}

test(`a ${MIB} MiB upload streams to the backend with bounded memory`, async (t) => {
  const be = await listen(t, (req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.end(String(n)));
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const mem = watchMemory(t);
  const got = await new Promise<string>((resolve, reject) => {
    const req = http.request(`${url}/up`, { method: 'POST', agent: false, headers: { 'content-length': String(TOTAL) } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(b));
    });
    req.on('error', reject);
    source(TOTAL).pipe(req);
  });
  const growth = mem.stop();
  assert.equal(Number(got), TOTAL);
  t.diagnostic(`upload: peak retained growth ${(growth / 1048576).toFixed(1)} MiB`);
  assert.ok(growth < MAX_RETAINED, `retained memory grew ${(growth / 1048576).toFixed(1)} MiB`);
});

test(`a ${MIB} MiB download streams to the client with bounded memory`, async (t) => {
  const be = await listen(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(TOTAL) });
    source(TOTAL).pipe(res);
  });
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const mem = watchMemory(t);
  const n = await new Promise<number>((resolve, reject) => {
    http.get(`${url}/down`, { agent: false }, (res) => {
      let count = 0;
      res.on('data', (c: Buffer) => (count += c.length));
      res.on('end', () => resolve(count));
      res.on('error', reject);
    }).on('error', reject);
  });
  const growth = mem.stop();
  assert.equal(n, TOTAL);
  t.diagnostic(`download: peak retained growth ${(growth / 1048576).toFixed(1)} MiB`);
  assert.ok(growth < MAX_RETAINED, `retained memory grew ${(growth / 1048576).toFixed(1)} MiB`);
});
