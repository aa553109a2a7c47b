import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { echoBackend, get, listen, startProxy } from './harness.ts';

interface Echo {
  headers: Record<string, string>;
  url: string;
}

test('hop-by-hop headers and headers named in Connection are removed both ways (RFC 9110 §7.6.1)', async (t) => {
  const be = await listen(t, (req, res) => {
    res.writeHead(200, {
      connection: 'x-resp-hop',
      'x-resp-hop': 'secret',
      'proxy-authenticate': 'Basic',
      'x-kept': 'yes',
      'content-type': 'application/json',
    });
    res.end(JSON.stringify({ headers: req.headers }));
  });
  const { port } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  // Raw request: node's client would not send several of these itself.
  const raw = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let d = '';
    s.on('data', (c) => (d += c));
    s.on('end', () => resolve(d));
    s.on('error', reject);
    // Write without half-closing: a client FIN means "gone" to node:http (and to Go's server).
    s.write([
      'GET /h HTTP/1.1', 'Host: example.org', 'Connection: close, X-Hop-Named', 'X-Hop-Named: 1', 'Keep-Alive: timeout=5',
      'Proxy-Authorization: Basic Zm9v', 'Proxy-Connection: keep-alive', 'TE: trailers', 'Trailer: X-T', 'Upgrade: h2c',
      'X-End-To-End: kept', '', '',
    ].join('\r\n'));
  });
  const [head, chunked] = raw.split('\r\n\r\n');
  const body = chunked!.slice(chunked!.indexOf('\r\n') + 2, chunked!.lastIndexOf('}') + 1);
  const got = (JSON.parse(body!) as Echo).headers;
  for (const h of ['x-hop-named', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade']) {
    assert.equal(got[h], undefined, `${h} removed`);
  }
  assert.equal(got['x-end-to-end'], 'kept');
  assert.doesNotMatch(head!, /x-resp-hop/i);
  assert.doesNotMatch(head!, /proxy-authenticate/i);
  assert.match(head!, /x-kept: yes/i);
});

test('removeHopHeaders: false forwards end-to-end-looking hop headers undici can carry', async (t) => {
  const be = await echoBackend(t);
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }], { removeHopHeaders: false });
  const r = await get(`${url}/`, { headers: { 'proxy-authorization': 'Basic x', te: 'trailers' } });
  const h = (JSON.parse(r.body) as Echo).headers;
  assert.equal(h['proxy-authorization'], 'Basic x');
  assert.equal(h['te'], 'trailers');
});

test('no X-Forwarded-* by default, as Skipper: what the client sent passes unchanged', async (t) => {
  const be = await echoBackend(t);
  const { url } = await startProxy(t, [{ id: 'r', backend: be.url }]);
  const a = (JSON.parse((await get(`${url}/`)).body) as Echo).headers;
  assert.deepEqual([a['x-forwarded-for'], a['x-forwarded-host'], a['x-forwarded-proto']], [undefined, undefined, undefined]);
  const b = (JSON.parse((await get(`${url}/`, { headers: { 'x-forwarded-for': '10.1.1.1', 'x-forwarded-proto': 'http' } })).body) as Echo).headers;
  assert.deepEqual([b['x-forwarded-for'], b['x-forwarded-proto']], ['10.1.1.1', 'http']);
});

test('forwardedHeaders: every header Skipper can add, set before the filters run; excluded networks get none', async (t) => {
  const be = await echoBackend(t);
  let seenByFilter = '';
  const probe: FilterInstance = { name: 'probe', request: (ctx) => void (seenByFilter = String(ctx.request.headers['x-forwarded-for'])) };
  const all = { for: true, host: true, method: true, uri: true, port: '443', proto: 'https' } as const;
  const p = await startProxy(t, [{ id: 'r', filters: [probe], backend: be.url }], { forwardedHeaders: all });
  const a = (JSON.parse((await get(`${p.url}/x?q=1`, { method: 'POST', headers: { host: 'in.example', 'x-forwarded-for': '10.1.1.1, 10.2.2.2', 'x-forwarded-proto': 'http' } })).body) as Echo).headers;
  assert.deepEqual(
    [a['x-forwarded-for'], a['x-forwarded-host'], a['x-forwarded-method'], a['x-forwarded-uri'], a['x-forwarded-port'], a['x-forwarded-proto']],
    ['10.1.1.1, 10.2.2.2, 127.0.0.1', 'in.example', 'POST', '/x?q=1', '443', 'https'],
  );
  assert.equal(seenByFilter, '10.1.1.1, 10.2.2.2, 127.0.0.1');

  const first = await startProxy(t, [{ id: 'r', backend: be.url }], { forwardedHeaders: { prependFor: true } });
  const c = (JSON.parse((await get(`${first.url}/`, { headers: { 'x-forwarded-for': '10.1.1.1' } })).body) as Echo).headers;
  assert.deepEqual([c['x-forwarded-for'], c['x-forwarded-host'], c['x-forwarded-proto']], ['127.0.0.1, 10.1.1.1', undefined, undefined]);

  const excluded = await startProxy(t, [{ id: 'r', backend: be.url }], { forwardedHeaders: all, forwardedHeadersExcludeCidrs: ['10.0.0.0/8', '127.0.0.0/8'] });
  const e = (JSON.parse((await get(`${excluded.url}/`, { headers: { 'x-forwarded-for': '10.1.1.1' } })).body) as Echo).headers;
  assert.deepEqual([e['x-forwarded-for'], e['x-forwarded-host'], e['x-forwarded-proto']], ['10.1.1.1', undefined, undefined]);
  const other = await startProxy(t, [{ id: 'r', backend: be.url }], { forwardedHeaders: all, forwardedHeadersExcludeCidrs: ['10.0.0.0/8', '::1/128'] });
  assert.equal((JSON.parse((await get(`${other.url}/`)).body) as Echo).headers['x-forwarded-for'], '127.0.0.1', 'the peer is outside the excluded networks');
});

test('Host is the backend host, the incoming one with preserveHost, or what a filter set', async (t) => {
  const be = await echoBackend(t);
  const setHost: FilterInstance = { name: 'setRequestHeader', request: (ctx) => void (ctx.request.headers['host'] = 'filter.example') };
  const outgoing: FilterInstance = { name: 'preserveHost', request: (ctx) => void (ctx.outgoingHost = 'ctx.example') };
  const { url } = await startProxy(t, [
    { id: 'filter', match: (r) => r.path === '/filter', filters: [setHost], backend: be.url },
    { id: 'outgoing', match: (r) => r.path === '/outgoing', filters: [outgoing], backend: be.url },
    { id: 'plain', backend: be.url },
  ]);
  const host = async (u: string, p = url): Promise<string> => (JSON.parse((await get(`${p}${u}`, { headers: { host: 'incoming.example' } })).body) as Echo).headers['host']!;
  assert.equal(await host('/'), `127.0.0.1:${be.port}`);
  assert.equal(await host('/filter'), 'filter.example');
  assert.equal(await host('/outgoing'), 'ctx.example');
  const pres = await startProxy(t, [{ id: 'plain', backend: be.url }], { preserveHost: true });
  assert.equal(await host('/', pres.url), 'incoming.example');
});
