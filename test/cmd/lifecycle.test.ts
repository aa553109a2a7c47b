import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runSkipjack } from './harness.ts';

/** A port held by this test, so that skipjack's listener on it fails to start. */
async function takenPort(t: import('node:test').TestContext): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  t.after(() => s.close());
  return (s.address() as AddressInfo).port;
}

test('a service that fails to start is named, the ones started before it stop, and the process exits 1', async (t) => {
  const port = await takenPort(t);
  const r = await runSkipjack([`-address=127.0.0.1:${port}`, '-support-listener=127.0.0.1:0', '-inline-routes=r: * -> <shunt>;']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^skipjack: proxy listener: .*EADDRINUSE/m);
  // The support listener had started (it is first in the list) and was stopped, so the process could exit.
  assert.match(r.stderr + r.stdout, /support listener \(\/metrics, \/routes, \/healthz\) on /);
});

test('the support listener is a service too: its failure names it, before the routes are loaded', async (t) => {
  const port = await takenPort(t);
  const r = await runSkipjack(['-address=127.0.0.1:0', `-support-listener=127.0.0.1:${port}`, '-inline-routes=r: * -> <shunt>;']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^skipjack: support listener: .*EADDRINUSE/m);
  assert.doesNotMatch(r.stderr + r.stdout, /route table generation/);
});
