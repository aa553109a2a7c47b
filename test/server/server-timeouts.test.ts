/**
 * Short server timeouts are honoured (issue 11, item 6): node checks headersTimeout and requestTimeout only
 * every connectionsCheckingInterval (30 s by default), so a 1 s limit used to hold a slowloris connection
 * for up to 31 s. Each case waits for the cut with a bound well below node's default interval.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createProxyServer, type ServerTimeouts } from '../../src/server/http-server.ts';
import { RawClient } from '../proxy/raw-client.ts';

const relaxed: ServerTimeouts = { readTimeoutMs: 300_000, readHeaderTimeoutMs: 60_000, writeTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxHeaderBytes: 1 << 20 };
/** Well below node's default 30 s checking interval, well above the limits under test. */
const CUT_WITHIN_MS = 12_000;

async function server(t: TestContext, timeouts: Partial<ServerTimeouts>): Promise<number> {
  const listener = createProxyServer({
    ...relaxed,
    ...timeouts,
    onRequest: (req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    },
  });
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  t.after(() => {
    listener.server.closeAllConnections();
    listener.server.close();
  });
  return (listener.server.address() as AddressInfo).port;
}

/** Writes `drip` every 100 ms (bounded) until the peer closes; resolves with what came back, or null if never cut. */
async function trickle(c: RawClient, start: string, drip: string): Promise<string | null> {
  c.write(start);
  const deadline = Date.now() + CUT_WITHIN_MS;
  while (!c.closed && Date.now() < deadline) {
    c.write(drip);
    await Promise.race([c.closedByPeer(), new Promise((r) => setTimeout(r, 100))]);
  }
  if (!c.closed) return null;
  return (await c.response())?.head ?? '';
}

test('-read-header-timeout-server: a slowloris header stream is cut with 408', async (t) => {
  const port = await server(t, { readHeaderTimeoutMs: 1000 });
  const c = await RawClient.open(t, port);
  const head = await trickle(c, 'GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
  assert.notEqual(head, null, `not cut within ${CUT_WITHIN_MS} ms`);
  assert.match(head!, /^HTTP\/1\.1 408 /);
});

test('-read-timeout-server: a body trickling in is cut', async (t) => {
  const port = await server(t, { readTimeoutMs: 1000, readHeaderTimeoutMs: 1000 });
  const c = await RawClient.open(t, port);
  const head = await trickle(c, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n', 'a');
  assert.notEqual(head, null, `not cut within ${CUT_WITHIN_MS} ms`);
});

test('-idle-timeout-server: an idle keep-alive connection is closed', async (t) => {
  const port = await server(t, { idleTimeoutMs: 500 });
  const c = await RawClient.open(t, port);
  c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal((await c.response())!.body, 'ok');
  const closed = await Promise.race([c.closedByPeer().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), CUT_WITHIN_MS).unref())]);
  assert.ok(closed, `idle connection still open after ${CUT_WITHIN_MS} ms`);
});
