/**
 * `skipjack -kubernetes -workers 2`: the Kubernetes source's own change (RouteSourceUpdate.change) is what the
 * primary sends its workers, without comparing the route lists, and both workers follow every change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../../support/backend.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../../support/kube-objects.ts';
import { startNode } from '../../support/process.ts';
import { waitFor } from '../../support/wait.ts';

const skipjack = fileURLToPath(new URL('../../../src/cmd/skipjack.ts', import.meta.url));

/** The body of a request on a fresh connection (the primary hands each to the next worker), or the status. */
function get(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { host, 'x-forwarded-proto': 'https' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? body : String(res.statusCode)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits until six requests in a row, on fresh connections spread over both workers, answer `want`. */
async function servedByAll(port: number, host: string, want: string): Promise<void> {
  await waitFor(`${host} → ${want} on every worker`, async () => {
    for (let i = 0; i < 6; i++) if ((await get(port, host)) !== want) return false;
    return true;
  }, 30_000);
}

test('-workers 2: the Kubernetes source\'s change is the delta to the workers, and every worker follows it', { timeout: 120_000 }, async (t) => {
  const a = await startBackend('a', '127.0.0.2');
  const b = await startBackend('b', '127.0.0.3');
  t.after(() => Promise.all([a.close(), b.close()]));
  const objects = [service('svc', 'default', 80, a.port), endpoints('svc', ['127.0.0.2'], 'default', a.port)];
  for (let i = 0; i < 50; i++) objects.push(ingress(`other-${i}`, { host: `other-${i}.example.org`, service: 'svc' }));
  const api = await KubeApiServer.start(objects);
  t.after(() => api.stop());
  const p = await startNode(
    skipjack,
    ['-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', '-workers=2', '-access-log-disabled', '-application-log-level=DEBUG'],
    /proxy listening on https?:\/\/[^:]+:(\d+)\/? with 2 workers/,
    60_000,
  );
  t.after(() => p.stop());
  const port = Number(p.match[1]);
  await servedByAll(port, 'other-7.example.org', 'a');

  // A new Ingress, an Endpoints change every route of the Service follows, the Ingress removed.
  api.apply(ingress('new', { host: 'new.example.org', service: 'svc' }));
  await servedByAll(port, 'new.example.org', 'a');
  api.apply(endpoints('svc', ['127.0.0.3'], 'default', b.port));
  await servedByAll(port, 'new.example.org', 'b');
  await servedByAll(port, 'other-7.example.org', 'b');
  api.delete('Ingress', 'default', 'new');
  await servedByAll(port, 'new.example.org', '404');

  const sent = [...p.stderr().matchAll(/route generation \d+ to the workers \(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(sent.length >= 3, `three deltas at least: ${sent.join(', ')}`);
  assert.deepEqual(sent.filter((how) => how !== 'the source\'s change'), [], 'no list compared');
  assert.doesNotMatch(p.stderr(), /not the base of the last delta/, 'no worker had to resync');
});
