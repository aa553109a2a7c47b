import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { IdleConnections } from '../../src/proxy/idle-connections.ts';
import type { ProxyOptions } from '../../src/proxy/types.ts';
import { get, listen, startProxy } from './harness.ts';

/**
 * A backend that holds every response until `burst` requests are waiting, so that the proxy must open `burst`
 * connections to it, and counts the connections open right now.
 */
async function burstBackend(t: TestContext, burst: number): Promise<{ url: string; open: () => number; accepted: () => number }> {
  let waiting: ServerResponse[] = [];
  let open = 0;
  let accepted = 0;
  const be = await listen(t, (_req, res) => {
    waiting.push(res);
    if (waiting.length >= burst) {
      for (const r of waiting) r.end('ok');
      waiting = [];
    }
  });
  be.server.keepAliveTimeout = 60_000;
  be.server.on('connection', (s) => {
    open++;
    accepted++;
    s.once('close', () => open--);
  });
  return { url: be.url, open: () => open, accepted: () => accepted };
}

async function burstThrough(url: string, n: number, path = '/'): Promise<void> {
  const rs = await Promise.all(Array.from({ length: n }, () => get(`${url}${path}`)));
  assert.deepEqual(rs.map((r) => r.status), Array(n).fill(200));
}

/** Waits until `cond` holds; fails naming `what` after 10 s. */
async function until(cond: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(what());
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function proxyTo(t: TestContext, backends: { url: string }[], options: ProxyOptions): Promise<string> {
  const specs = backends.map((b, i) => ({ id: `r${i}`, match: (r: { path: string }) => r.path === `/${i}`, backend: b.url }));
  return (await startProxy(t, specs, options)).url;
}

test('-idle-conns-num: after a burst, idle backend connections beyond the cap are closed', async (t) => {
  const be = await burstBackend(t, 12);
  const url = await proxyTo(t, [be], { maxIdleConnsPerHost: 3 });
  await burstThrough(url, 12, '/0');
  await until(() => be.open() === 3, () => `${be.open()} backend connections open, 3 expected`);
  // The pool still serves a burst of the same size: closed clients connect again.
  await burstThrough(url, 12, '/0');
  await until(() => be.open() === 3, () => `${be.open()} backend connections open after the second burst, 3 expected`);
  assert.equal(be.accepted(), 12 + 9, 'the nine closed connections were opened again, the three kept ones reused');
});

test('idle connections within the cap stay open (default cap 64)', async (t) => {
  const be = await burstBackend(t, 12);
  const url = await proxyTo(t, [be], {});
  await burstThrough(url, 12, '/0');
  // A second burst reuses all twelve: none was closed in between.
  await burstThrough(url, 12, '/0');
  assert.equal(be.accepted(), 12);
  assert.equal(be.open(), 12);
});

test('-max-idle-connection-backend caps idle connections across backends', async (t) => {
  const a = await burstBackend(t, 6);
  const b = await burstBackend(t, 6);
  const url = await proxyTo(t, [a, b], { maxIdleConnsPerHost: 10, maxIdleConns: 4 });
  await burstThrough(url, 6, '/0');
  await burstThrough(url, 6, '/1');
  await until(() => a.open() + b.open() === 4, () => `${a.open()} + ${b.open()} backend connections open, 4 expected in total`);
  // The longest idle go first: the first backend's connections were idle before the second's.
  assert.equal(b.open(), 4);
});

test('clients of pools the Agent closed (every connection timed out) are let go', async (t) => {
  const be = await burstBackend(t, 6);
  const ic = new IdleConnections({ perHost: 64, total: 0 });
  const agent = new Agent({ factory: ic.factory, keepAliveTimeout: 50, keepAliveMaxTimeout: 50 });
  t.after(() => agent.close());
  for (let round = 0; round < 4; round++) {
    const rs = await Promise.all(Array.from({ length: 6 }, () => agent.request({ origin: be.url, path: '/', method: 'GET' })));
    for (const r of rs) await r.body.text();
    // Every connection times out; the Agent then closes this origin's pool and makes a new one next round.
    await until(() => be.open() === 0, () => `${be.open()} backend connections still open`);
  }
  assert.equal(be.accepted(), 24);
  // Only the last pool's clients remain (closed, let go when the next pool is made), not all four pools'.
  assert.ok(ic.tracked < 12, `${ic.tracked} clients tracked after four pools of six`);
});
