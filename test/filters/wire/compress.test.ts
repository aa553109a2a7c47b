import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { PassThrough, Readable } from 'node:stream';
import { InvalidArgsError } from '../../../src/errors.ts';
import { chooseEncoding, compress } from '../../../src/filters/content/compress.ts';
import { DECOMPRESSION_NOT_POSSIBLE, decompress } from '../../../src/filters/content/decompress.ts';
import type { FilterResponse } from '../../../src/routing/filter-contract.ts';
import type { HeaderBag } from '../../../src/routing/types.ts';
import { countingSource, makeContext, readAll, spin } from './context.ts';

const TEXT = 'Lorem ipsum dolor sit amet, '.repeat(2000);

function run(args: (string | number)[], reqHeaders: HeaderBag, rspHeaders: HeaderBag, opts: { method?: string; status?: number; body?: Readable } = {}) {
  const response: FilterResponse = {
    status: opts.status ?? 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(TEXT.length), ...rspHeaders },
    body: opts.body ?? Readable.from([Buffer.from(TEXT)]),
  };
  const ctx = makeContext({ method: opts.method, headers: reqHeaders, response });
  compress.create(args).response!(ctx);
  return ctx.response!;
}

test('chooseEncoding honours q-values, then server order', () => {
  assert.equal(chooseEncoding('gzip, deflate, br'), 'gzip');
  assert.equal(chooseEncoding('br, deflate'), 'deflate');
  assert.equal(chooseEncoding('br;q=1.0, gzip;q=0.8'), 'br');
  assert.equal(chooseEncoding('gzip;q=0.5, deflate;q=0.9, br;q=0.1'), 'deflate');
  assert.equal(chooseEncoding('GZIP'), 'gzip');
  assert.equal(chooseEncoding('gzip;q=0, br'), 'br');
  assert.equal(chooseEncoding('gzip;q=0'), null);
  assert.equal(chooseEncoding('*'), null);
  assert.equal(chooseEncoding('identity, zstd'), null);
  assert.equal(chooseEncoding(''), null);
  assert.equal(chooseEncoding('br;q=7'), 'br', 'an out-of-range q counts as 1');
});

for (const [enc, decode] of [
  ['gzip', zlib.gunzipSync],
  ['deflate', zlib.inflateRawSync],
  ['br', zlib.brotliDecompressSync],
] as const) {
  test(`compress encodes with ${enc} and fixes the headers`, async () => {
    const rsp = run([], { 'accept-encoding': enc }, { vary: 'Origin' });
    assert.equal(rsp.headers['content-encoding'], enc);
    assert.equal(rsp.headers['content-length'], undefined);
    assert.deepEqual(rsp.headers['vary'], ['Origin', 'Accept-Encoding']);
    const raw = await readAll(rsp.body);
    assert.ok(raw.length < TEXT.length / 10, `${enc} output is ${raw.length} bytes`);
    assert.equal(decode(raw).toString(), TEXT);
  });
}

test('compress leaves responses alone that it must not touch', async () => {
  const cases: [string, HeaderBag, HeaderBag, { method?: string; status?: number }?][] = [
    ['no Accept-Encoding', {}, {}],
    ['only *', { 'accept-encoding': '*' }, {}],
    ['already encoded', { 'accept-encoding': 'gzip' }, { 'content-encoding': 'br' }],
    ['no-transform', { 'accept-encoding': 'gzip' }, { 'cache-control': 'public, No-Transform' }],
    ['unlisted type', { 'accept-encoding': 'gzip' }, { 'content-type': 'image/png' }],
    ['no type', { 'accept-encoding': 'gzip' }, { 'content-type': undefined }],
    ['empty body', { 'accept-encoding': 'gzip' }, { 'content-length': '0' }],
    ['HEAD', { 'accept-encoding': 'gzip' }, {}, { method: 'HEAD' }],
    ['304', { 'accept-encoding': 'gzip' }, {}, { status: 304 }],
  ];
  for (const [why, req, rsp, opts] of cases) {
    const out = run([], req, rsp, opts);
    assert.equal(out.headers['content-encoding'], rsp['content-encoding'], why);
    assert.equal(out.headers['content-length'], rsp['content-length'] ?? String(TEXT.length), why);
    assert.equal((await readAll(out.body)).toString(), TEXT, why);
  }
  const identity = run([], { 'accept-encoding': 'gzip' }, { 'content-encoding': 'identity', vary: 'accept-encoding' });
  assert.equal(identity.headers['content-encoding'], 'gzip', 'identity counts as not encoded');
  assert.equal(identity.headers['vary'], 'accept-encoding', 'Vary is not duplicated');
});

test('compress MIME lists: reset, extend with "...", and level', async () => {
  assert.equal(run(['image/tiff'], { 'accept-encoding': 'gzip' }, {}).headers['content-encoding'], undefined);
  assert.equal(run(['image/tiff'], { 'accept-encoding': 'gzip' }, { 'content-type': 'image/tiff' }).headers['content-encoding'], 'gzip');
  assert.equal(run(['...', 'image/tiff'], { 'accept-encoding': 'gzip' }, {}).headers['content-encoding'], 'gzip');
  const best = run([9, '...'], { 'accept-encoding': 'gzip' }, {});
  assert.equal(zlib.gunzipSync(await readAll(best.body)).toString(), TEXT);
  const br11 = run([11], { 'accept-encoding': 'br' }, {});
  assert.equal(zlib.brotliDecompressSync(await readAll(br11.body)).toString(), TEXT);
  const huff = run([-2], { 'accept-encoding': 'deflate' }, {});
  assert.equal(zlib.inflateRawSync(await readAll(huff.body)).toString(), TEXT);
});

test('compress validates arguments', () => {
  for (const bad of [[12], [-3], [1.5], [1, 2], ['text/html', 3]]) {
    assert.throws(() => compress.create(bad), InvalidArgsError, JSON.stringify(bad));
  }
});

test('compress flushes every chunk and applies back-pressure', async () => {
  const src = new PassThrough();
  const rsp = run([], { 'accept-encoding': 'gzip' }, {}, { body: src });
  src.write('hello ');
  const first = await new Promise<Buffer>((r) => rsp.body!.once('data', r));
  rsp.body!.pause();
  const partial = zlib.gunzipSync(first, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.equal(partial.toString(), 'hello ', 'the first chunk is readable before the body ends');
  rsp.body!.destroy();

  const { source, pulled } = countingSource();
  const big = run([], { 'accept-encoding': 'gzip' }, {}, { body: source });
  await new Promise((r) => big.body!.once('readable', r));
  await spin();
  assert.ok(pulled() < 4 * 1024 * 1024, `pulled ${pulled()} bytes with nobody reading`);
  big.body!.destroy();
  await spin(5);
  assert.ok(source.destroyed);
});

function encoded(enc: string, body: Buffer): FilterResponse {
  return { status: 200, headers: { 'content-encoding': enc, 'content-length': String(body.length), vary: 'Accept-Encoding' }, body: Readable.from([body]) };
}

test('decompress decodes gzip, deflate (raw and zlib), br and stacked codings', async () => {
  const plain = Buffer.from(TEXT);
  const cases: [string, Buffer][] = [
    ['gzip', zlib.gzipSync(plain)],
    ['deflate', zlib.deflateRawSync(plain)],
    ['deflate', zlib.deflateSync(plain)],
    ['br', zlib.brotliCompressSync(plain)],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(plain))],
  ];
  for (const [enc, body] of cases) {
    const ctx = makeContext({ response: encoded(enc, body) });
    decompress.create([]).response!(ctx);
    const h = ctx.response!.headers;
    assert.equal(h['content-encoding'], undefined, enc);
    assert.equal(h['content-length'], undefined, enc);
    assert.equal(h['vary'], undefined, enc);
    assert.equal((await readAll(ctx.response!.body)).toString(), TEXT, enc);
  }
});

test('decompress detects the deflate form when the body arrives byte by byte', async () => {
  for (const body of [zlib.deflateSync(Buffer.from('abc')), zlib.deflateRawSync(Buffer.from('abc'))]) {
    const rsp = encoded('deflate', body);
    rsp.body = Readable.from([...body].map((b) => Buffer.from([b])));
    const ctx = makeContext({ response: rsp });
    decompress.create([]).response!(ctx);
    assert.equal((await readAll(ctx.response!.body)).toString(), 'abc');
  }
});

test('decompress marks unsupported codings and surfaces corrupt bodies as stream errors', async () => {
  const ctx = makeContext({ response: encoded('gzip, zstd', Buffer.from('x')) });
  decompress.create([]).response!(ctx);
  assert.equal(ctx.stateBag.get(DECOMPRESSION_NOT_POSSIBLE), true);
  assert.equal(ctx.response!.headers['content-encoding'], 'gzip, zstd');
  const bad = makeContext({ response: encoded('gzip', Buffer.from('not gzip at all')) });
  decompress.create([]).response!(bad);
  await assert.rejects(readAll(bad.response!.body));
  const plain = makeContext({ response: { status: 200, headers: {}, body: Readable.from([Buffer.from('x')]) } });
  decompress.create([]).response!(plain);
  assert.equal((await readAll(plain.response!.body)).toString(), 'x');
  assert.throws(() => decompress.create(['gzip']), InvalidArgsError);
});

test('compress then decompress round-trips a large streamed body', async () => {
  for (const enc of ['gzip', 'deflate', 'br']) {
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`${i}:${TEXT.slice(0, 3000)}`));
    const ctx = makeContext({ headers: { 'accept-encoding': enc }, response: { status: 200, headers: { 'content-type': 'application/json' }, body: Readable.from(parts) } });
    compress.create([]).response!(ctx);
    decompress.create([]).response!(ctx);
    assert.equal((await readAll(ctx.response!.body)).toString(), Buffer.concat(parts).toString(), enc);
  }
});
