/** Host handling, X-Forwarded-*, flow ids, CORS and cookies as the backend and the client see them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { backend, echo, echoed, request, startProxy, type Received } from './harness.ts';

test('the backend gets its own Host unless preserveHost; a Host set by a filter wins', async (t) => {
  const be = await backend(t, 'be');
  const routes = `
    plain: Path("/plain") -> "${be.url}";
    keep: Path("/keep") -> preserveHost("true") -> "${be.url}";
    nokeep: Path("/nokeep") -> preserveHost("false") -> "${be.url}";
    set: Path("/set") -> setRequestHeader("Host", "virtual.example") -> "${be.url}";
  `;
  const host = { host: 'public.example:8080' };
  const p = await startProxy(t, routes);
  const seen = async (url: string): Promise<unknown> => echoed(await request(url, { headers: host })).headers.host;
  assert.equal(await seen(`${p.url}/plain`), be.host);
  assert.equal(await seen(`${p.url}/keep`), 'public.example:8080');
  assert.equal(await seen(`${p.url}/set`), 'virtual.example');

  const pp = await startProxy(t, routes, { proxy: { preserveHost: true } });
  assert.equal(await seen(`${pp.url}/plain`), 'public.example:8080', '-proxy-preserve-host');
  assert.equal(await seen(`${pp.url}/nokeep`), be.host, 'preserveHost("false") overrides the flag');
});

test('X-Forwarded-For/-Host/-Proto when configured; xforward appends and xforwardFirst prepends the client', async (t) => {
  const be = await backend(t, 'be');
  const routes = `
    plain: Path("/plain") -> "${be.url}";
    xf: Path("/xf") -> xforward() -> "${be.url}";
    xff: Path("/xff") -> xforwardFirst() -> "${be.url}";
  `;
  const headers = { 'x-forwarded-for': '10.0.0.1', host: 'in.example' };
  const p = await startProxy(t, routes, { proxy: { forwardedHeaders: { for: true, host: true, proto: 'http' } } });
  const d = echoed(await request(`${p.url}/plain`, { headers })).headers;
  assert.deepEqual([d['x-forwarded-for'], d['x-forwarded-host'], d['x-forwarded-proto']], ['10.0.0.1, 127.0.0.1', 'in.example', 'http']);

  // The default is none, as in Skipper.
  const q = await startProxy(t, routes);
  const n = echoed(await request(`${q.url}/plain`, { headers })).headers;
  assert.deepEqual([n['x-forwarded-for'], n['x-forwarded-host'], n['x-forwarded-proto']], ['10.0.0.1', undefined, undefined]);
  const a = echoed(await request(`${q.url}/xf`, { headers })).headers;
  assert.deepEqual([a['x-forwarded-for'], a['x-forwarded-host']], ['10.0.0.1, 127.0.0.1', 'in.example']);
  const f = echoed(await request(`${q.url}/xff`, { headers })).headers;
  assert.deepEqual([f['x-forwarded-for'], f['x-forwarded-host']], ['127.0.0.1, 10.0.0.1', 'in.example']);
});

test('flowId sets a fresh X-Flow-Id; with "reuse" a valid incoming one is kept', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    fresh: Path("/fresh") -> flowId() -> "${be.url}";
    reuse: Path("/reuse") -> flowId("reuse") -> "${be.url}";
  `);
  const id = async (path: string, incoming?: string): Promise<string> =>
    echoed(await request(p.url + path, { headers: incoming === undefined ? {} : { 'x-flow-id': incoming } })).headers['x-flow-id'] as string;
  const a = await id('/fresh');
  const b = await id('/fresh');
  assert.match(a, /^[0-9A-Za-z+-]{16}$/);
  assert.notEqual(a, b);
  assert.notEqual(await id('/fresh', 'incoming-id-123'), 'incoming-id-123');
  assert.equal(await id('/reuse', 'incoming-id-123'), 'incoming-id-123');
  assert.match(await id('/reuse', 'bad id!'), /^[0-9A-Za-z+-]{16}$/, 'an invalid incoming id is replaced');
});

test('corsOrigin allows "*" or only the listed origins', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    any: Path("/any") -> corsOrigin() -> "${be.url}";
    list: Path("/list") -> corsOrigin("https://a.example", "https://b.example") -> "${be.url}";
  `);
  const acao = async (path: string, origin: string): Promise<unknown> =>
    (await request(p.url + path, { headers: { origin } })).headers['access-control-allow-origin'];
  assert.equal(await acao('/any', 'https://z.example'), '*');
  assert.equal(await acao('/list', 'https://b.example'), 'https://b.example');
  assert.equal(await acao('/list', 'https://c.example'), undefined);
});

test('request and response cookie filters', async (t) => {
  const be = await backend(t, 'be', (req: Received, res: http.ServerResponse) => {
    res.setHeader('set-cookie', ['tracking=1; Path=/', 'keep=2; Path=/']);
    echo('be')(req, res);
  });
  const p = await startProxy(t, `
    req: Path("/req") -> requestCookie("rc", "v1") -> dropRequestCookie("secret") -> "${be.url}";
    resp: Path("/resp") -> responseCookie("sc", "v2", 60) -> jsCookie("js", "v3") -> dropResponseCookie("tracking") -> "${be.url}";
    once: Path("/once") -> responseCookie("sc", "v2", 60, "change-only") -> dropResponseCookie("tracking") -> dropResponseCookie("keep") -> "${be.url}";
  `);
  const r = await request(`${p.url}/req`, { headers: { cookie: 'a=1; secret=x' } });
  assert.equal(echoed(r).headers.cookie, 'a=1; rc=v1');

  const s = await request(`${p.url}/resp`, { headers: { host: 'www.example.org:8080' } });
  // Response filters run in reverse order: jsCookie adds its line before responseCookie.
  assert.deepEqual(s.headers['set-cookie'], [
    'keep=2; Path=/',
    'js=v3; Path=/; Domain=example.org; Secure',
    'sc=v2; Path=/; Domain=example.org; Max-Age=60; HttpOnly; Secure',
  ]);
  const unchanged = await request(`${p.url}/once`, { headers: { host: 'www.example.org', cookie: 'sc=v2' } });
  assert.equal(unchanged.headers['set-cookie'], undefined, 'change-only: the client already has the value');
  const changed = await request(`${p.url}/once`, { headers: { host: 'www.example.org', cookie: 'sc=old' } });
  assert.deepEqual(changed.headers['set-cookie'], ['sc=v2; Path=/; Domain=example.org; Max-Age=60; HttpOnly; Secure']);
});
