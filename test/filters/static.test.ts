import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bodyText, makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

function fixture(t: { after(fn: () => void): void }): string {
  const base = mkdtempSync(path.join(tmpdir(), 'skj-static-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'root');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(path.join(root, 'withindex'));
  writeFileSync(path.join(root, 'hello.txt'), 'hello world');
  writeFileSync(path.join(root, 'style.css'), 'a{}');
  writeFileSync(path.join(root, 'noext'), '<html><body></body></html>');
  writeFileSync(path.join(root, 'sub', 'a b.txt'), 'spaced');
  writeFileSync(path.join(root, 'withindex', 'index.html'), '<p>index</p>');
  writeFileSync(path.join(base, 'secret.txt'), 'secret');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'escape'));
  utimesSync(path.join(root, 'hello.txt'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  return root;
}

async function get(root: string, url: string, headers: Record<string, string> = {}, method = 'GET') {
  const ctx = makeContext({ url, headers, method });
  const rsp = await runChain([make('static', '/static', root)], ctx);
  assert.equal(ctx.served, true);
  return { rsp, text: await bodyText(rsp.body) };
}

test('static serves files under the prefix with types and lengths', async (t) => {
  const root = fixture(t);
  const { rsp, text } = await get(root, '/static/hello.txt');
  assert.equal(rsp.status, 200);
  assert.equal(text, 'hello world');
  assert.equal(rsp.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(rsp.headers['content-length'], '11');
  assert.equal(rsp.headers['last-modified'], 'Wed, 01 Jan 2020 00:00:00 GMT');
  assert.equal((await get(root, '/static/style.css')).rsp.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await get(root, '/static/noext')).rsp.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal((await get(root, '/static/sub/a%20b.txt')).text, 'spaced');
});

test('static refuses to leave the root', async (t) => {
  const root = fixture(t);
  for (const url of ['/static/../secret.txt', '/static/..%2Fsecret.txt', '/static/sub/../../secret.txt',
    '/static/%2e%2e/secret.txt', '/static/escape', '/static/nope', '/other/hello.txt', '/static/a%00b']) {
    const { rsp, text } = await get(root, url);
    assert.notEqual(text, 'secret', url);
    assert.equal(rsp.status, 404, url);
  }
});

test('static handles directories like Go FileServer', async (t) => {
  const root = fixture(t);
  assert.equal((await get(root, '/static/withindex/')).text, '<p>index</p>');
  const redirect = await get(root, '/static/sub');
  assert.equal(redirect.rsp.status, 301);
  assert.equal(redirect.rsp.headers['location'], 'sub/');
  const back = await get(root, '/static/hello.txt/');
  assert.equal(back.rsp.headers['location'], '../hello.txt');
  const idx = await get(root, '/static/withindex/index.html');
  assert.equal(idx.rsp.headers['location'], './');
  const list = await get(root, '/static/sub/');
  assert.equal(list.rsp.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(list.text, /<a href="a%20b.txt">a b.txt<\/a>/);
});

test('static answers conditional, range and HEAD requests', async (t) => {
  const root = fixture(t);
  const notModified = await get(root, '/static/hello.txt', { 'If-Modified-Since': 'Wed, 01 Jan 2020 00:00:00 GMT' });
  assert.equal(notModified.rsp.status, 304);
  const range = await get(root, '/static/hello.txt', { Range: 'bytes=6-' });
  assert.equal(range.rsp.status, 206);
  assert.equal(range.text, 'world');
  assert.equal(range.rsp.headers['content-range'], 'bytes 6-10/11');
  assert.equal((await get(root, '/static/hello.txt', { Range: 'bytes=50-' })).rsp.status, 416);
  const head = await get(root, '/static/hello.txt', {}, 'HEAD');
  assert.equal(head.rsp.headers['content-length'], '11');
  assert.equal(head.rsp.body, null);
});

test('static rejects bad arguments and a missing root at build time', () => {
  assertRejects([['static', ['/x']], ['static', ['/x', 1]], ['static', [1, '/tmp']], ['static', ['/x', '/does/not/exist/skj']]]);
});
