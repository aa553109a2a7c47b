/** Path decoding and cleaning on the wire, and what a loopback re-routes on (path, Host, query, body). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, echoed, request, startProxy } from './harness.ts';

test('routing matches the decoded, cleaned path; the escaped path goes upstream unchanged', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    space: Path("/a b") -> setResponseHeader("X-Route", "space") -> "${be.url}";
    ab: Path("/a/b") -> setResponseHeader("X-Route", "ab") -> "${be.url}";
    t: Path("/t") -> setResponseHeader("X-Route", "t") -> "${be.url}";
  `);
  const sp = await request(`${p.url}/a%20b?x=%20`);
  assert.equal(sp.headers['x-route'], 'space');
  assert.equal(echoed(sp).url, '/a%20b?x=%20');
  const slash = await request(`${p.url}/a%2Fb`);
  assert.equal(slash.headers['x-route'], 'ab', 'an encoded slash is a slash for routing, as Go\'s URL.Path');
  assert.equal(echoed(slash).url, '/a%2Fb', 'but the raw path is what the backend gets');
  assert.equal((await request(`${p.url}/a//b`)).headers['x-route'], 'ab');
  assert.equal((await request(`${p.url}/t/`)).status, 404, 'a trailing slash is a different path by default');
});

test('a loopback is routed on the Host, query and path the filters set, and carries the request body', async (t) => {
  const be = await backend(t, 'be');
  const p = await startProxy(t, `
    outer: Path("/in") && Method("POST") -> setRequestHeader("Host", "inner.example") -> setQuery("via", "outer") -> <loopback>;
    byHost: Path("/in") && Host(/^inner[.]example$/) && QueryParam("via", "outer") -> setResponseHeader("X-Route", "byHost") -> "${be.url}";
  `);
  const body = 'z'.repeat(70_000);
  const r = await request(`${p.url}/in?a=1`, { method: 'POST', body });
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-route'], 'byHost');
  const e = echoed(r);
  assert.equal(e.url, '/in?a=1&via=outer');
  assert.equal(e.headers.host, 'inner.example', 'the Host set before the loopback is sent upstream');
  assert.equal(e.body, body);
});
