import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from '../../src/filters/template.ts';
import { backendResponse, makeContext } from './context.ts';

const ctx = () => makeContext({
  method: 'POST',
  url: '/a%20b/c?q=1&q=2&x=y+z',
  host: 'api.example.org:8080',
  headers: { 'X-Foo': ['first', 'second'], Cookie: 'a=1; sess="abc"', 'X-Forwarded-For': '192.0.2.1, 198.51.100.7' },
  remoteAddress: '::ffff:10.1.2.3',
  pathParams: { id: '42', 'request.weird': 'w' },
});

test('template resolves every request placeholder', () => {
  const cases: [string, string][] = [
    ['${request.method}', 'POST'],
    ['${request.host}', 'api.example.org:8080'],
    ['${request.path}', '/a b/c'],
    ['${request.rawQuery}', 'q=1&q=2&x=y+z'],
    ['${request.query.q}', '1'],
    ['${request.query.x}', 'y z'],
    ['${request.header.X-Foo}', 'first'],
    ['${request.header.x-foo}', 'first'],
    ['${request.cookie.a}', '1'],
    ['${request.cookie.sess}', 'abc'],
    ['${request.source}', '192.0.2.1'],
    ['${request.sourceFromLast}', '198.51.100.7'],
    ['${request.clientIP}', '10.1.2.3'],
    ['${id}', '42'],
    ['/user/${id}/x', '/user/42/x'],
    ['${id}-${id}', '42-42'],
    ['no placeholders', 'no placeholders'],
    ['${unknown}', ''],
    ['${request.query.missing}', ''],
    ['${request.weird}', 'w'],
  ];
  for (const [src, want] of cases) assert.equal(compileTemplate(src).expand(ctx()), want, src);
});

test('source falls back to the remote address without a valid X-Forwarded-For', () => {
  const c = makeContext({ remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': 'garbage' } });
  assert.equal(compileTemplate('${request.source}').expand(c), '10.9.9.9');
  assert.equal(compileTemplate('${request.sourceFromLast}').expand(makeContext({ remoteAddress: '10.9.9.8' })), '10.9.9.8');
});

test('response headers resolve only in the response phase', () => {
  const c = ctx();
  const t = compileTemplate('${response.header.Location}');
  assert.equal(t.expand(c), '');
  c.response = backendResponse(302, { Location: '/there' });
  assert.equal(t.expand(c), '/there');
});

test('templates read the request as earlier filters changed it', () => {
  const c = ctx();
  c.request.headers['x-foo'] = 'changed';
  c.request.path = '/new';
  assert.equal(compileTemplate('${request.header.X-Foo}${request.path}').expand(c), 'changed/new');
});

test('expandStrict reports an unresolved placeholder with null', () => {
  assert.equal(compileTemplate('a-${missing}').expandStrict(ctx()), null);
  assert.equal(compileTemplate('a-${id}').expandStrict(ctx()), 'a-42');
  assert.equal(compileTemplate('plain').expandStrict(ctx()), 'plain');
});

test('templates are parsed once: placeholders and constants are known at build time', () => {
  const t = compileTemplate('/v2/${id}/${request.query.q}');
  assert.deepEqual(t.placeholders, ['id', 'request.query.q']);
  assert.equal(t.constant, null);
  assert.equal(compileTemplate('/static').constant, '/static');
  // A value that itself looks like a placeholder is not expanded again.
  const c = makeContext({ pathParams: { a: '${b}', b: 'no' } });
  assert.equal(compileTemplate('${a}').expand(c), '${b}');
});

test('a text without placeholders compiles without scanning for them (a million routes have such values)', () => {
  const matchAll = String.prototype.matchAll;
  let scans = 0;
  String.prototype.matchAll = function (this: string, re: RegExp) {
    scans++;
    return matchAll.call(this, re);
  } as typeof matchAll;
  try {
    const t = compileTemplate('r123456 $ {not} a placeholder');
    assert.equal(t.constant, 'r123456 $ {not} a placeholder');
    assert.deepEqual(t.placeholders, []);
    assert.equal(scans, 0);
    assert.equal(compileTemplate('a ${request.path}').constant, null);
    assert.equal(scans, 1);
  } finally {
    String.prototype.matchAll = matchAll;
  }
});
