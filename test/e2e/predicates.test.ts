/**
 * Predicates decided on real requests: what the proxy makes of the wire (peer address, X-Forwarded-For,
 * Forwarded, Cookie, query, Content-Length, Authorization, absolute-form targets) reaches each predicate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { request, startProxy, type RequestOptions } from './harness.ts';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const JWT = `${b64({ alg: 'none' })}.${b64({ iss: 'https://issuer.example', sub: 'u1' })}.sig`;
const SECRET_HASH = createHash('sha256').update('open sesame').digest('hex');

/** Each route answers with its id; the catch-all answers "none". */
function route(id: string, predicates: string): string {
  return `${id}: ${predicates} -> inlineContent("${id}") -> <shunt>;`;
}

test('each predicate matches on the request as it arrived over the wire', async (t) => {
  let dice = 0.9;
  let now = Date.parse('2030-01-01T00:00:00Z');
  const p = await startProxy(t, [
    route('cookie', 'Path("/cookie") && Cookie("session", /^ok-/)'),
    route('query', 'Path("/query") && QueryParam("q", "^v[0-9]$")'),
    route('headerRegexp', 'Path("/hre") && HeaderRegexp("User-Agent", /curl/)'),
    route('methods', 'Path("/methods") && Methods("PUT", "DELETE")'),
    route('source', 'Path("/source") && Source("10.1.0.0/16")'),
    route('clientIP', 'Path("/clientip") && ClientIP("127.0.0.0/8")'),
    route('contentLength', 'Path("/clen") && ContentLengthBetween(5, 10)'),
    route('forwarded', 'Path("/fwd") && ForwardedHost(/^shop[.]example$/) && ForwardedProtocol("https")'),
    route('sha', `Path("/sha") && HeaderSHA256("X-Secret", "${SECRET_HASH}")`),
    route('jwt', 'Path("/jwt") && JWTPayloadAnyKV("iss", "https://issuer.example")'),
    route('regexp', 'PathSubtree("/re") && PathRegexp(/^[/]re[/][0-9]+$/)'),
    route('traffic', 'Path("/traffic") && Traffic(0.5)'),
    route('after', 'Path("/time") && After("2029-06-01T00:00:00Z")'),
    route('hostAny', 'Path("/hostany") && HostAny("a.example", "b.example:8080")'),
    route('none', 'PathSubtree("/")'),
  ].join('\n'), { predicates: { random: () => dice, clock: () => now } });
  const which = async (path: string, o: RequestOptions = {}): Promise<string> => (await request(p.url + path, o)).text;
  const cases: [string, RequestOptions, string][] = [
    ['/cookie', { headers: { cookie: 'a=1; session=ok-123' } }, 'cookie'],
    ['/cookie', { headers: { cookie: 'session=bad' } }, 'none'],
    ['/query?q=v7', {}, 'query'],
    ['/query?q=v77', {}, 'none'],
    ['/hre', { headers: { 'user-agent': 'curl/8.0' } }, 'headerRegexp'],
    ['/hre', { headers: { 'user-agent': 'wget' } }, 'none'],
    ['/methods', { method: 'DELETE' }, 'methods'],
    ['/methods', { method: 'POST' }, 'none'],
    ['/source', { headers: { 'x-forwarded-for': '10.1.2.3, 192.0.2.1' } }, 'source'],
    ['/source', {}, 'none'],
    ['/clientip', { headers: { 'x-forwarded-for': '10.9.9.9' } }, 'clientIP'],
    ['/clen', { method: 'POST', body: '1234567' }, 'contentLength'],
    ['/clen', { method: 'POST', body: '123456789012' }, 'none'],
    ['/fwd', { headers: { forwarded: 'for=192.0.2.1;host=shop.example;proto=https' } }, 'forwarded'],
    ['/fwd', { headers: { forwarded: 'host=shop.example;proto=http' } }, 'none'],
    ['/sha', { headers: { 'x-secret': 'open sesame' } }, 'sha'],
    ['/sha', { headers: { 'x-secret': 'open sesame!' } }, 'none'],
    ['/jwt', { headers: { authorization: `Bearer ${JWT}` } }, 'jwt'],
    ['/jwt', { headers: { authorization: 'Bearer not.a.jwt' } }, 'none'],
    ['/re/42', {}, 'regexp'],
    ['/re/x', {}, 'none'],
    ['/hostany', { headers: { host: 'b.example:8080' } }, 'hostAny'],
    ['/hostany', { headers: { host: 'b.example' } }, 'none'],
  ];
  for (const [path, o, want] of cases) assert.equal(await which(path, o), want, `${path} ${JSON.stringify(o)}`);

  assert.equal(await which('/traffic'), 'none', 'a draw of 0.9 is outside 50%');
  dice = 0.1;
  assert.equal(await which('/traffic'), 'traffic');
  assert.equal(await which('/time'), 'after');
  now = Date.parse('2029-01-01T00:00:00Z');
  assert.equal(await which('/time'), 'none');
});

// Skipper sets no X-Forwarded-* unless -forwarded-headers asks for it, so SourceFromLast reads the hop the load
// balancer in front appended.
test('SourceFromLast matches the last X-Forwarded-For entry the client (load balancer) sent', async (t) => {
  const p = await startProxy(t, [route('sourceFromLast', 'Path("/sfl") && SourceFromLast("10.2.0.1")'), route('none', 'PathSubtree("/")')].join('\n'));
  const which = async (xff: string): Promise<string> => (await request(`${p.url}/sfl`, { headers: { 'x-forwarded-for': xff } })).text;
  assert.equal(await which('10.2.0.1, 192.0.2.1'), 'none');
  assert.equal(await which('192.0.2.1, 10.2.0.1'), 'sourceFromLast');
});

test('an absolute-form request target is routed by its authority; a malformed escape is 400', async (t) => {
  const p = await startProxy(t, [
    route('byHost', 'Host(/^abs[.]example$/) && Path("/x")'),
    route('other', 'Path("/x")'),
  ].join('\n'));
  const text = await new Promise<string>((resolve, reject) => {
    // node:http sends `path` verbatim in the request line: absolute-form, as a client talking to a proxy does.
    http.get({ host: '127.0.0.1', port: p.port, path: 'http://abs.example/x', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  assert.equal(text, 'byHost');
  assert.equal((await request(`${p.url}/x`)).text, 'other');
  assert.equal((await request(`${p.url}/bad%zz`)).status, 400);
});
