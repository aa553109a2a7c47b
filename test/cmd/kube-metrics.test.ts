/**
 * skipjack_kubernetes_invalid_objects{kind} in a running skipjack with workers: the primary converts, the
 * count is reported once per instance (not once per worker) and follows fixes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, ingress, routeGroup, service } from '../support/kube-objects.ts';
import { startSkipjack, until } from './harness.ts';

function invalid(text: string, kind: string): number | undefined {
  const m = new RegExp(`^skipjack_kubernetes_invalid_objects\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

test('-kubernetes: invalid objects are counted by kind across workers', { timeout: 90_000 }, async (t) => {
  const bad = ingress('bad', { host: 'bad.example.org', service: 'svc' });
  bad.metadata.annotations = { 'zalando.org/skipper-filter': 'setPath(' };
  const badToo = ingress('bad-too', { host: 'bad2.example.org', service: 'svc' });
  badToo.metadata.annotations = { 'zalando.org/skipper-filter': '-> ->' };
  const badGroup = routeGroup('bad-rg', 'rg.example.org', 'svc');
  (badGroup.spec as { routes: unknown[] }).routes = [{ pathSubtree: '/', backends: [{ backendName: 'missing' }] }];
  const api = await KubeApiServer.start([
    service('svc'), endpoints('svc', ['127.0.0.1']),
    ingress('good', { host: 'good.example.org', service: 'svc' }), bad, badToo, badGroup,
  ]);
  t.after(() => api.stop());
  const sj = await startSkipjack(t, ['-kubernetes', `-kubernetes-url=${api.url}`, '-access-log-disabled'], { workers: 2 });

  let text = '';
  await until(async () => {
    text = await (await fetch(`${sj.support}/metrics`)).text();
    return invalid(text, 'Ingress') !== undefined;
  }, 'the invalid objects metric');
  assert.equal(invalid(text, 'Ingress'), 2);
  assert.equal(invalid(text, 'RouteGroup'), 1);

  // Fixing one Ingress lowers the count.
  api.apply(ingress('bad-too', { host: 'bad2.example.org', service: 'svc' }));
  await until(async () => invalid(await (await fetch(`${sj.support}/metrics`)).text(), 'Ingress') === 1, 'the count after a fix');
});
