/** Header, template, path, query and redirect filters: what the backend and the client see on the wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import net from 'node:net';
import { backend, echo, echoed, request, startProxy, type Received } from './harness.ts';

test('set/append/drop/copy/mod on request and response headers', async (t) => {
  const be = await backend(t, 'be', (req: Received, res: http.ServerResponse) => {
    res.setHeader('x-backend-secret', 's3cret');
    res.setHeader('x-version', 'v3');
    res.setHeader('x-resp-multi', 'a');
    echo('be')(req, res);
  });
  const p = await startProxy(t, `r: Path("/h/:id")
    -> setRequestHeader("X-Set", "v-\${id}")
    -> appendRequestHeader("X-Multi", "two")
    -> dropRequestHeader("X-Drop")
    -> copyRequestHeader("X-Src", "X-Copied")
    -> modRequestHeader("X-Mod", "^([a-z]+)-old$", "$1-new")
    -> setResponseHeader("X-Resp", "r")
    -> appendResponseHeader("X-Resp-Multi", "b")
    -> dropResponseHeader("X-Backend-Secret")
    -> copyResponseHeader("X-Backend", "X-Copied-Back")
    -> modResponseHeader("X-Version", "^v([0-9]+)$", "version-$1")
    -> "${be.url}";`);
  const r = await request(`${p.url}/h/42`, { headers: { 'x-multi': 'one', 'x-drop': '1', 'x-src': 's', 'x-mod': 'foo-old' } });
  const h = echoed(r).headers;
  assert.equal(h['x-set'], 'v-42');
  assert.equal(h['x-multi'], 'one, two');
  assert.equal(h['x-drop'], undefined);
  assert.equal(h['x-copied'], 's');
  assert.equal(h['x-mod'], 'foo-new');
  assert.equal(r.headers['x-resp'], 'r');
  assert.equal(r.headers['x-resp-multi'], 'a, b');
  assert.equal(r.headers['x-backend-secret'], undefined);
  assert.equal(r.headers['x-copied-back'], 'be');
  assert.equal(r.headers['x-version'], 'version-3');
});

test('templates resolve path wildcards, request path, query, cookie and header; unresolved ones leave the header alone', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `r: Path("/u/:user/files/*rest")
    -> setRequestHeader("X-User", "\${user}")
    -> setRequestHeader("X-Rest", "\${rest}")
    -> setRequestHeader("X-Path", "\${request.path}")
    -> setRequestHeader("X-Q", "q=\${request.query.q}")
    -> setRequestHeader("X-Cookie", "\${request.cookie.session}")
    -> setRequestHeader("X-Hdr", "<\${request.header.X-In}>")
    -> setRequestHeader("X-Method", "\${request.method}")
    -> setRequestHeader("X-None", "\${request.query.missing}")
    -> "${be.url}";`);
  const r = await request(`${p.url}/u/ann/files/a/b%20c.txt?q=search%20me`, { headers: { cookie: 'other=1; session=abc', 'x-in': 'in' } });
  const h = echoed(r).headers;
  assert.equal(h['x-user'], 'ann');
  assert.equal(h['x-rest'], '/a/b c.txt');
  assert.equal(h['x-path'], '/u/ann/files/a/b c.txt');
  assert.equal(h['x-q'], 'q=search me');
  assert.equal(h['x-cookie'], 'abc');
  assert.equal(h['x-hdr'], '<in>');
  assert.equal(h['x-method'], 'GET');
  assert.equal(h['x-none'], undefined);
});

test('setPath and modPath rewrite the path sent upstream and keep the query', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    set: Path("/set/:id") -> setPath("/api/v2/items/\${id}") -> "${be.url}";
    mod: PathSubtree("/old") -> modPath("^/old/(.*)$", "/new/$1") -> "${be.url}";
    esc: Path("/esc") -> setPath("/a b/ü") -> "${be.url}";
  `);
  assert.equal(echoed(await request(`${p.url}/set/7?x=1`)).url, '/api/v2/items/7?x=1');
  assert.equal(echoed(await request(`${p.url}/old/deep/path?y=2`)).url, '/new/deep/path?y=2');
  assert.equal(echoed(await request(`${p.url}/esc`)).url, '/a%20b/%C3%BC', 're-escaped for the wire');
});

test('setQuery, dropQuery and stripQuery change the query sent upstream', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    set: Path("/set") -> setQuery("a", "1") -> setQuery("from", "\${request.header.X-Val}") -> "${be.url}";
    replace: Path("/replace") -> setQuery("only=this") -> "${be.url}";
    drop: Path("/drop") -> dropQuery("b") -> "${be.url}";
    strip: Path("/strip") -> stripQuery() -> "${be.url}";
    keep: Path("/keep") -> stripQuery("true") -> "${be.url}";
  `);
  assert.equal(echoed(await request(`${p.url}/set?z=9&a=0`, { headers: { 'x-val': 'v' } })).url, '/set?a=1&from=v&z=9');
  assert.equal(echoed(await request(`${p.url}/replace?x=1`)).url, '/replace?only=this');
  assert.equal(echoed(await request(`${p.url}/drop?a=1&b=2&b=3&c=4`)).url, '/drop?a=1&c=4');
  assert.equal(echoed(await request(`${p.url}/strip?a=1`)).url, '/strip');
  const kept = echoed(await request(`${p.url}/keep?foo=1&bar_baz=2`));
  assert.equal(kept.url, '/keep');
  assert.equal(kept.headers['x-query-param-foo'], '1');
  assert.equal(kept.headers['x-query-param-barbaz'], '2');
});

test('redirectTo and redirectToLower answer with Location built from the request; the backend is not called', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    abs: Path("/abs") -> redirectTo(302, "https://example.org") -> "${be.url}";
    full: Path("/full") -> redirectTo(301, "http://other.example/fixed?z=1") -> "${be.url}";
    rel: Path("/rel") -> redirectTo(307, "/moved") -> <shunt>;
    lower: PathSubtree("/Mixed") -> redirectToLower(308) -> <shunt>;
  `);
  const loc = async (path: string): Promise<[number, unknown]> => {
    const r = await request(p.url + path, { headers: { host: 'www.example.com' } });
    return [r.status, r.headers.location];
  };
  assert.deepEqual(await loc('/abs?q=1'), [302, 'https://example.org/abs?q=1']);
  assert.deepEqual(await loc('/full?q=1'), [301, 'http://other.example/fixed?z=1']);
  assert.deepEqual(await loc('/rel?q=1'), [307, 'https://www.example.com/moved?q=1']);
  assert.deepEqual(await loc('/Mixed/CaSe?Q=A'), [308, 'https://www.example.com/mixed/case?Q=A']);
  assert.equal(be.received.length, 0);
});

test('a header sent on several lines keeps each line as its own value, as Go\'s http.Header: predicates match any, Get reads the first, the backend gets every line', async (t) => {
  const rawSeen: string[][] = [];
  const be = await backend(t, 'be', (req: Received, res: http.ServerResponse) => {
    const body = JSON.stringify({ headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  be.onRequest = (req) => void rawSeen.push(req.rawHeaders);
  const p = await startProxy(t, `
    dup: Path("/dup") && Header("X-Dup", "b") -> copyRequestHeader("X-Dup", "X-Copy") -> copyRequestHeader("Authorization", "X-Auth") -> "${be.url}";
    other: * -> inlineContent("other") -> <shunt>;
  `);
  // A raw socket: node's client would not send a header twice as written.
  const reply = await new Promise<string>((resolve, reject) => {
    const s = net.connect(p.port, '127.0.0.1', () => {
      s.write('GET /dup HTTP/1.1\r\nHost: a\r\nX-Dup: a\r\nX-Dup: b\r\nAuthorization: first\r\nAuthorization: second\r\nConnection: close\r\n\r\n');
    });
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString()));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 200/, 'Header("X-Dup", "b") matches the second line (node would have joined them as "a, b")');
  const h = (JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { headers: http.IncomingHttpHeaders }).headers;
  assert.equal(h['x-copy'], 'a', 'Header.Get is the first value');
  assert.equal(h['x-auth'], 'first', 'node keeps only the first Authorization; Go keeps both and Get reads the first');
  const lines = (name: string): string[] => rawSeen[0]!.filter((_, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === name);
  assert.deepEqual(lines('x-dup'), ['a', 'b'], 'forwarded as two lines');
  assert.deepEqual(lines('authorization'), ['first', 'second']);
});
