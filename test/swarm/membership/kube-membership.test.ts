import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApi, kubeConfigFromOptions } from '../../../src/dataclients/kubernetes/api.ts';
import { KubeMembership } from '../../../swarm/membership/kube-membership.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { pod } from '../../support/kube-objects.ts';
import { waitFor } from '../../support/wait.ts';

const app = { application: 'skipper-ingress' };

async function setup(t: { after(fn: () => Promise<unknown> | void): void }) {
  const api = await KubeApiServer.start([
    pod('skipper-a', '10.2.0.1', true, app),
    pod('skipper-b', '10.2.0.2', false, app),
    pod('other', '10.2.0.9', true, { application: 'other' }),
    pod('skipper-elsewhere', '10.2.0.8', true, app, 'default'),
  ]);
  t.after(() => api.stop());
  const m = new KubeMembership({
    api: new KubeApi(kubeConfigFromOptions({ inCluster: false, url: api.url, tokenFile: '' })),
    namespace: 'kube-system',
    labelSelectorKey: 'application',
    labelSelectorValue: 'skipper-ingress',
    port: 9990,
    selfHost: '10.2.0.1',
    backoff: { minMs: 20, maxMs: 200 },
  });
  t.after(() => m.stop());
  return { api, m };
}

test('Kubernetes membership: ready pods matching the selector in the namespace, followed by watch', async (t) => {
  const { api, m } = await setup(t);
  const changes: string[][] = [];
  m.onChange((ids) => changes.push([...ids]));
  assert.equal(m.ready(), false);
  await m.start();
  assert.ok(m.ready());
  assert.equal(m.self, '10.2.0.1:9990');
  assert.deepEqual(m.members(), ['10.2.0.1:9990']);
  api.apply(pod('skipper-b', '10.2.0.2', true, app));
  await waitFor('ready pod joins', () => m.members().includes('10.2.0.2:9990'));
  api.apply(pod('skipper-c', '10.2.0.3', true, app));
  await waitFor('new pod joins', () => m.members().length === 3);
  assert.deepEqual(m.members(), ['10.2.0.1:9990', '10.2.0.2:9990', '10.2.0.3:9990']);
  api.apply(pod('skipper-b', '10.2.0.2', false, app));
  await waitFor('unready pod leaves', () => !m.members().includes('10.2.0.2:9990'));
  api.delete('Pod', 'kube-system', 'skipper-c');
  await waitFor('deleted pod leaves', () => m.members().length === 1);
  assert.deepEqual(m.members(), ['10.2.0.1:9990']);
  assert.deepEqual(changes.at(-1), ['10.2.0.1:9990']);
  // Watched, not polled: one list, then watch requests only.
  const lists = api.requests.filter((r) => r.includes('/pods') && !r.includes('watch='));
  assert.equal(lists.length, 1, api.requests.join('\n'));
  assert.ok(api.requests.some((r) => r.includes('/api/v1/namespaces/kube-system/pods?') && r.includes('watch=')));
});

test('Kubernetes membership: a pod losing the label leaves; an API outage keeps the last members', async (t) => {
  const { api, m } = await setup(t);
  await m.start();
  api.apply(pod('skipper-b', '10.2.0.2', true, app));
  await waitFor('joins', () => m.members().length === 2);
  await api.stop();
  await api.restart();
  assert.equal(m.members().length, 2, 'an outage does not empty the swarm');
  api.apply(pod('skipper-b', '10.2.0.2', true, { application: 'renamed' }));
  await waitFor('relabelled pod leaves', () => m.members().length === 1);
});

test('Kubernetes membership: start fails with the API error when the API does not answer', async (t) => {
  const { api, m } = await setup(t);
  api.setStatus('/api/v1/namespaces/kube-system/pods', 500);
  await assert.rejects(m.start(), /500/);
});
