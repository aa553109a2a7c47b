/**
 * The Kubernetes health-check routes in a running skipjack: valid (disableAccessLog and Shutdown() are
 * known), 200 before SIGTERM and 503 after, in one process and behind workers.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { startSkipjack, until } from './harness.ts';

/** A GET on a fresh connection, so that with workers each request may land on any of them. */
function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

async function kubeApi(t: TestContext): Promise<KubeApiServer> {
  const api = await KubeApiServer.start([]);
  t.after(() => api.stop());
  return api;
}

for (const workers of [1, 2]) {
  test(`-kubernetes health check (${workers} worker${workers > 1 ? 's' : ''}): valid routes, 200 until SIGTERM, then 503`, { timeout: 90_000 }, async (t) => {
    const api = await kubeApi(t);
    // The listener stays open long after the signal, so the 503 can be observed.
    const sj = await startSkipjack(t, ['-kubernetes', `-kubernetes-url=${api.url}`, '-wait-for-healthcheck-interval=60s'], { workers });
    const routes = await (await fetch(`${sj.support}/routes?format=json`)).json() as { routes: { id: string }[]; invalid: unknown[] };
    assert.deepEqual(routes.invalid, []);
    assert.deepEqual(routes.routes.map((r) => r.id).filter((id) => id.startsWith('kube__healthz')).sort(), ['kube__healthz_down', 'kube__healthz_up']);
    for (let i = 0; i < 4; i++) assert.equal(await status(`${sj.base}/kube-system/healthz`), 200);
    // disableAccessLog(200) on the healthy answer: nothing in the access log for it.
    assert.doesNotMatch(sj.stdout() + sj.stderr(), /"GET \/kube-system\/healthz HTTP/);

    sj.proc.kill('SIGTERM');
    await until(async () => (await fetch(`${sj.support}/healthz`)).status === 503, '/healthz 503');
    // Every worker flips, not just the one that answers first: node:cluster hands connections round-robin,
    // so four fresh connections in a row reach both workers.
    await until(async () => {
      for (let i = 0; i < 4; i++) if (await status(`${sj.base}/kube-system/healthz`) !== 503) return false;
      return true;
    }, 'health-check route 503 on every worker');
  });
}
