/**
 * A request pins the route table generation it started on for its whole life (backend call, response
 * filters, loopbacks); new requests use the new generation; the old one is released after its last request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { backend, echo, gate, request, startProxy, until, type Received } from './harness.ts';

test('a slow request finishes on its old route while new requests use the swapped-in table', async (t) => {
  let hold!: () => void;
  const held = new Promise<void>((r) => (hold = r));
  const slowEcho = echo('old');
  const old = await backend(t, 'old', (req: Received, res: http.ServerResponse) => void held.then(() => slowEcho(req, res)));
  const fresh = await backend(t, 'new', undefined, '127.0.0.2');
  const p = await startProxy(t, `r: Path("/x") -> setResponseHeader("X-Gen", "1") -> "${old.url}";`);
  const gen1 = p.table;

  const first = request(`${p.url}/x`);
  await until(() => old.received.length === 1, 'the first request at the old backend');
  const gen2 = p.swap(`r: Path("/x") -> setResponseHeader("X-Gen", "2") -> "${fresh.url}";`);

  const second = await request(`${p.url}/x`);
  assert.deepEqual([second.headers['x-backend'], second.headers['x-gen']], ['new', '2']);
  assert.equal(gen1.released, false, 'the old generation is pinned by the request in flight');

  hold();
  const r = await first;
  assert.equal(r.status, 200);
  assert.deepEqual([r.headers['x-backend'], r.headers['x-gen']], ['old', '1'], 'backend and response filters of the old route');
  await until(() => gen1.released, 'the old generation to be released');
  assert.equal(gen2.released, false);
  assert.equal(old.received.length, 1);
});

test('a loopback after a swap is routed on the generation the request started with', async (t) => {
  const g = gate();
  const a = await backend(t, 'a');
  const b = await backend(t, 'b', undefined, '127.0.0.2');
  const routes = (inner: string): string => `
    outer: Path("/outer") -> gate() -> setPath("/inner") -> <loopback>;
    inner: Path("/inner") -> "${inner}";
  `;
  const p = await startProxy(t, routes(a.url), { filters: [g.spec] });
  const first = request(`${p.url}/outer`);
  await until(() => g.reached === 1, 'the request at the gate');
  p.swap(routes(b.url));
  g.open();
  assert.equal((await first).headers['x-backend'], 'a');
  assert.equal((await request(`${p.url}/outer`)).headers['x-backend'], 'b');
  assert.deepEqual([a.received.length, b.received.length], [1, 1]);
});

test('a retired generation with no request in flight is released at once', async (t) => {
  const a = await backend(t, 'a');
  const p = await startProxy(t, `r: * -> "${a.url}";`);
  await request(p.url);
  const gen1 = p.table;
  p.swap(`r: * -> status(204) -> <shunt>;`);
  assert.equal(gen1.released, true);
  assert.equal((await request(p.url)).status, 204);
});
