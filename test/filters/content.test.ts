import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { detectContentType } from '../../src/filters/content/sniff.ts';
import { backendResponse, bodyText, makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('inlineContent serves the text with a sniffed or given type and skips the backend', async () => {
  const ctx = makeContext();
  let backendCalled = false;
  const rsp = await runChain([make('status', 420), make('inlineContent', 'Enhance Your Calm')], ctx, () => {
    backendCalled = true;
    return backendResponse();
  });
  assert.equal(backendCalled, false);
  assert.equal(rsp.status, 420);
  assert.equal(rsp.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(rsp.headers['content-length'], '17');
  assert.equal(await bodyText(rsp.body), 'Enhance Your Calm');
  const json = await runChain([make('inlineContent', '{"foo": 42}', 'application/json')], makeContext());
  assert.equal(json.headers['content-type'], 'application/json');
  // Each request gets its own body stream.
  const f = make('inlineContent', '<html><body>hi</body></html>');
  for (let i = 0; i < 2; i++) {
    const r = await runChain([f], makeContext());
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(await bodyText(r.body), '<html><body>hi</body></html>');
  }
});

test('inlineContentIfStatus replaces the body only for the given status', async () => {
  const f = make('inlineContentIfStatus', 401, '{"foo": 42}', 'application/json');
  let destroyed = false;
  const hit = await runChain([f], makeContext(), () => {
    const r = backendResponse(401, { 'Content-Length': '7', 'Content-Encoding': 'gzip' });
    r.body!.once('close', () => { destroyed = true; });
    return r;
  });
  assert.equal(hit.headers['content-type'], 'application/json');
  assert.equal(hit.headers['content-length'], '11');
  assert.equal(hit.headers['content-encoding'], undefined);
  assert.equal(await bodyText(hit.body), '{"foo": 42}');
  assert.equal(destroyed, true);
  const miss = await runChain([f], makeContext(), () => backendResponse(200));
  assert.equal(await bodyText(miss.body), 'backend');
});

test('detectContentType follows Go for common inputs', () => {
  const cases: [Uint8Array | string, string][] = [
    ['', 'text/plain; charset=utf-8'],
    ['  <!DOCTYPE html><p>', 'text/html; charset=utf-8'],
    ['<?xml version="1.0"?>', 'text/xml; charset=utf-8'],
    ['%PDF-1.4', 'application/pdf'],
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'image/png'],
    [new Uint8Array([0, 1, 2]), 'application/octet-stream'],
    ['{"a":1}', 'text/plain; charset=utf-8'],
  ];
  for (const [input, want] of cases) {
    const data = typeof input === 'string' ? Buffer.from(input) : input;
    assert.equal(detectContentType(data), want, String(input));
  }
});

test('content filters reject bad arguments', () => {
  assertRejects([
    ['inlineContent', []], ['inlineContent', [1]], ['inlineContent', ['a', 'b', 'c']], ['inlineContent', ['a', 2]],
    ['inlineContentIfStatus', [200]], ['inlineContentIfStatus', ['200', 'x']], ['inlineContentIfStatus', [99, 'x']],
    ['inlineContentIfStatus', [600, 'x']], ['inlineContentIfStatus', [200, 'x', 'y', 'z']],
  ]);
});

test('content bodies are byte streams, not object-mode streams', async () => {
  const rsp = await runChain([make('inlineContentIfStatus', 500, 'oops')], makeContext(), () => backendResponse(500));
  assert.ok(rsp.body instanceof Readable);
  assert.equal(rsp.body.readableObjectMode, false);
  const served = await runChain([make('inlineContent', 'x')], makeContext());
  assert.equal(served.body!.readableObjectMode, false);
});
