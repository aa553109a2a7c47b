/** Filters and backends combined the way real routes combine them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { backend, request, startProxy, until } from './harness.ts';

test('response filters before a serving filter shape its body: compress, bandwidth, wrapContent', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'skipjack-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const page = '<html>' + 'static page '.repeat(2000) + '</html>';
  await writeFile(path.join(dir, 'index.html'), page);
  const p = await startProxy(t, `
    inline: Path("/inline") -> compress() -> inlineContent("${'inline text '.repeat(300)}", "text/plain") -> <shunt>;
    files: PathSubtree("/files") -> compress() -> static("/files", "${dir}") -> <shunt>;
    slow: Path("/slow") -> bandwidth(64) -> repeatContent("x", 4096) -> <shunt>;
    wrapped: Path("/wrapped") -> wrapContent("[", "]") -> inlineContent("mid", "text/plain") -> <shunt>;
  `);
  const ae = { 'accept-encoding': 'gzip' };
  const inline = await request(`${p.url}/inline`, { headers: ae });
  assert.equal(inline.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(inline.body).toString(), 'inline text '.repeat(300));
  const file = await request(`${p.url}/files/`, { headers: ae });
  assert.equal(file.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(file.body).toString(), page);
  const sent = performance.now();
  const slow = await request(`${p.url}/slow`);
  const elapsed = performance.now() - sent;
  assert.equal(slow.text, 'x'.repeat(4096));
  // The last 512-byte slice leaves once 3584 bytes at 64 KiB/s are due: 54.7 ms (load only makes it longer).
  assert.ok(elapsed >= 50, `took ${elapsed} ms`);
  const wrapped = await request(`${p.url}/wrapped`);
  assert.deepEqual([wrapped.text, wrapped.headers['content-length']], ['[mid]', '5']);
});

test('an upload to a load-balanced route is replayed on the next endpoint when the first refuses the connection', async (t) => {
  const live = await backend(t, 'live');
  const p = await startProxy(t, `r: * -> <roundRobin, "http://127.0.0.1:1", "${live.url}">;`);
  const body = Buffer.alloc(200_000, 'b');
  for (let i = 0; i < 6; i++) {
    const r = await request(p.url, { method: 'POST', body });
    assert.equal(r.status, 200);
  }
  assert.equal(live.received.length, 6);
  assert.ok(live.received.every((r) => r.body.equals(body)), 'every upload arrived whole');
});

test('tee on a load-balanced route: the shadow and the endpoint both get the whole body', async (t) => {
  const a = await backend(t, 'a');
  const b = await backend(t, 'b', undefined, '127.0.0.2');
  const shadow = await backend(t, 'shadow', undefined, '127.0.0.3');
  const p = await startProxy(t, `r: * -> tee("${shadow.url}") -> <roundRobin, "${a.url}", "${b.url}">;`);
  const body = 'tee-body-'.repeat(10_000);
  for (let i = 0; i < 4; i++) assert.equal((await request(p.url, { method: 'PUT', body })).status, 200);
  await until(() => shadow.received.length === 4, 'four shadow copies');
  assert.deepEqual([a.received.length, b.received.length], [2, 2]);
  for (const r of [...a.received, ...b.received, ...shadow.received]) assert.equal(r.body.toString(), body);
});

test('decompress then compress re-encodes a backend body to what the client accepts', async (t) => {
  const text = 'recode me '.repeat(1000);
  const be = await backend(t, 'be', (_req, res) => {
    const gz = zlib.gzipSync(text);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': gz.length });
    res.end(gz);
  });
  // Response filters run in reverse: decompress first, then compress.
  const p = await startProxy(t, `r: * -> compress() -> decompress() -> "${be.url}";`);
  const br = await request(p.url, { headers: { 'accept-encoding': 'br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.body).toString(), text);
  const plain = await request(p.url);
  assert.deepEqual([plain.headers['content-encoding'], plain.text], [undefined, text]);
});
