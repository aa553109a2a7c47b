/** compress and decompress on the wire: negotiation, headers, streaming, and bytes that decode to the original. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { backend, request, startProxy, until, type Received } from './harness.ts';

const TEXT = JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ id: i, name: `item number ${i}` })) });

function serve(body: Buffer | string, headers: http.OutgoingHttpHeaders) {
  return (_req: Received, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
}

test('compress picks the encoding the client prefers; the client decodes the original bytes', async (t) => {
  const be = await backend(t, 'be', serve(TEXT, { 'content-type': 'application/json; charset=utf-8' }));
  const p = await startProxy(t, `r: * -> compress() -> "${be.url}";`);

  const gz = await request(p.url, { headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers['content-length'], undefined, 'the length changed, so it is dropped');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.ok(gz.body.length < TEXT.length / 2);
  assert.equal(zlib.gunzipSync(gz.body).toString(), TEXT);

  const br = await request(p.url, { headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.body).toString(), TEXT);

  const deflate = await request(p.url, { headers: { 'accept-encoding': 'deflate' } });
  assert.equal(deflate.headers['content-encoding'], 'deflate');
  assert.equal(zlib.inflateRawSync(deflate.body).toString(), TEXT);

  for (const ae of [undefined, '*', 'identity', 'gzip;q=0']) {
    const plain = await request(p.url, { headers: ae === undefined ? {} : { 'accept-encoding': ae } });
    assert.equal(plain.headers['content-encoding'], undefined, String(ae));
    assert.equal(plain.text, TEXT);
    assert.equal(plain.headers['content-length'], String(TEXT.length));
  }
});

test('compress leaves alone other media types, no-transform, encoded bodies and HEAD', async (t) => {
  const png = await backend(t, 'png', serve('not really a png', { 'content-type': 'image/png' }));
  const nt = await backend(t, 'nt', serve(TEXT, { 'content-type': 'text/plain', 'cache-control': 'no-transform' }));
  const pre = zlib.brotliCompressSync(TEXT);
  const enc = await backend(t, 'enc', serve(pre, { 'content-type': 'text/plain', 'content-encoding': 'br' }));
  const txt = await backend(t, 'txt', serve(TEXT, { 'content-type': 'text/plain' }));
  const p = await startProxy(t, `
    png: Path("/png") -> compress() -> "${png.url}";
    nt: Path("/nt") -> compress() -> "${nt.url}";
    enc: Path("/enc") -> compress() -> "${enc.url}";
    custom: Path("/custom") -> compress(9, "image/png") -> "${png.url}";
    head: Path("/head") -> compress() -> "${txt.url}";
  `);
  const ae = { 'accept-encoding': 'gzip' };
  assert.equal((await request(`${p.url}/png`, { headers: ae })).text, 'not really a png');
  assert.equal((await request(`${p.url}/nt`, { headers: ae })).headers['content-encoding'], undefined);
  const e = await request(`${p.url}/enc`, { headers: ae });
  assert.equal(e.headers['content-encoding'], 'br', 'not encoded twice');
  assert.deepEqual(e.body, pre);
  const c = await request(`${p.url}/custom`, { headers: ae });
  assert.equal(c.headers['content-encoding'], 'gzip', 'an explicit MIME list replaces the default');
  assert.equal(zlib.gunzipSync(c.body).toString(), 'not really a png');
  const h = await request(`${p.url}/head`, { method: 'HEAD', headers: ae });
  assert.deepEqual([h.status, h.headers['content-encoding'], h.body.length], [200, undefined, 0]);
});

test('compress flushes: the client decodes the first part before the backend sent the rest', async (t) => {
  let finish!: () => void;
  const more = new Promise<void>((r) => (finish = r));
  const be = await backend(t, 'be', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part;');
    void more.then(() => res.end('second part'));
  });
  const p = await startProxy(t, `r: * -> compress() -> "${be.url}";`);
  let decoded = '';
  const done = new Promise<void>((resolve, reject) => {
    http.get(p.url, { agent: false, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      assert.equal(res.headers['content-encoding'], 'gzip');
      const gunzip = res.pipe(zlib.createGunzip());
      gunzip.on('data', (c: Buffer) => (decoded += c.toString()));
      gunzip.on('end', resolve);
      gunzip.on('error', reject);
    }).on('error', reject);
  });
  await until(() => decoded === 'first part;', 'the first part decoded while the backend holds the rest');
  finish();
  await done;
  assert.equal(decoded, 'first part;second part');
});

test('decompress decodes gzip, deflate, br and stacked encodings; unknown encodings pass through', async (t) => {
  const bodies: Record<string, [Buffer, string]> = {
    '/gzip': [zlib.gzipSync(TEXT), 'gzip'],
    '/deflate': [zlib.deflateSync(TEXT), 'deflate'],
    '/deflate-raw': [zlib.deflateRawSync(TEXT), 'deflate'],
    '/br': [zlib.brotliCompressSync(TEXT), 'br'],
    '/stacked': [zlib.brotliCompressSync(zlib.gzipSync(TEXT)), 'gzip, br'],
    '/unknown': [Buffer.from('zzz'), 'compress'],
  };
  const be = await backend(t, 'be', (req, res) => {
    const [body, ce] = bodies[req.url]!;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': ce, 'content-length': body.length, vary: 'Accept-Encoding' });
    res.end(body);
  });
  const p = await startProxy(t, `r: * -> decompress() -> "${be.url}";`);
  for (const path of ['/gzip', '/deflate', '/deflate-raw', '/br', '/stacked']) {
    const r = await request(p.url + path);
    assert.equal(r.text, TEXT, path);
    assert.equal(r.headers['content-encoding'], undefined, path);
    assert.equal(r.headers['content-length'], undefined, path);
  }
  const u = await request(`${p.url}/unknown`);
  assert.deepEqual([u.text, u.headers['content-encoding']], ['zzz', 'compress']);
});
