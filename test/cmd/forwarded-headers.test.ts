/** -forwarded-headers in a running skipjack: set before routing, so predicates see them; none by default. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, startSkipjack } from './harness.ts';

test('-forwarded-headers adds X-Forwarded-* before routing; without it the redirect route sees only what the client sent', async (t) => {
  const backend = await startBackend(t, (req, res) => res.end(JSON.stringify(req.headers)));
  // The Kubernetes HTTPS-redirect shape: only requests a load balancer marked as plain HTTP are redirected.
  const routes = `redirect: Header("X-Forwarded-Proto", "http") -> redirectTo(308, "https:") -> <shunt>; be: * -> "${backend.url}";`;
  const plain = await startSkipjack(t, [`-inline-routes=${routes}`]);
  const r = await fetch(`${plain.base}/x`, { redirect: 'manual' });
  assert.equal(r.status, 200, 'no X-Forwarded-Proto is made up');
  assert.deepEqual(Object.keys(await r.json() as object).filter((k) => k.startsWith('x-forwarded')), []);
  assert.equal((await fetch(`${plain.base}/x`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'http' } })).status, 308);

  const set = await startSkipjack(t, [`-inline-routes=${routes}`, '-forwarded-headers=X-Forwarded-For,X-Forwarded-Proto=http,X-Forwarded-Port=80']);
  assert.equal((await fetch(`${set.base}/x`, { redirect: 'manual' })).status, 308, 'set before routing');
  const excluded = await startSkipjack(t, [`-inline-routes=${routes}`, '-forwarded-headers=X-Forwarded-For,X-Forwarded-Port=80', '-forwarded-headers-exclude-cidrs=192.0.2.0/24']);
  const h = await (await fetch(`${excluded.base}/x`, { headers: { 'x-forwarded-for': '10.1.1.1' } })).json() as Record<string, string>;
  assert.deepEqual([h['x-forwarded-for'], h['x-forwarded-port']], ['10.1.1.1, 127.0.0.1', '80']);
});
