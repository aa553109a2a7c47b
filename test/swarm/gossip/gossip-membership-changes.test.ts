import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApi, kubeConfigFromOptions } from '../../../src/dataclients/kubernetes/api.ts';
import { GossipLimiter } from '../../../swarm/gossip/gossip-limiter.ts';
import { GossipNode } from '../../../swarm/gossip/gossip-node.ts';
import { KubeMembership } from '../../../swarm/membership/kube-membership.ts';
import { KubeApiServer } from '../../support/kube-apiserver.ts';
import { pod } from '../../support/kube-objects.ts';
import { startMember } from '../../support/gossip-member-process.ts';
import { freePorts, loopbackAddresses, staticNode } from '../../support/swarm.ts';
import { waitFor as waitForWithin } from '../../support/wait.ts';

/** Swarm conditions get 30 s: the suite runs beside other work on 2 cores. */
const waitFor: typeof waitForWithin = (what, probe, timeoutMs = 30_000, everyMs) => waitForWithin(what, probe, timeoutMs, everyMs);

const limit = { group: 'login', maxHits: 100, windowMs: 3_600_000 };

/** Members with the production liveness TTL (3 s), as the SIGKILLed one is forgotten by it. */
function member(addr: string, addrs: string[]) {
  const node = staticNode(addr, addrs, { liveTtlMs: 3000 });
  return { node, limiter: new GossipLimiter({ node, maxMsgBuffer: 1 << 20 }) };
}

test('a SIGKILLed member (its own process) stops counting within the live TTL', async (t) => {
  const addrs = await loopbackAddresses(3);
  const members = addrs.slice(0, 2).map((a) => member(a, addrs));
  t.after(() => Promise.all(members.map(async (m) => (await m.limiter.stop(), await m.node.stop()))));
  await Promise.all(members.map(async (m) => (await m.node.start(), await m.limiter.start())));
  const child = await startMember(addrs[2]!, addrs);
  t.after(() => child.stop());
  await waitFor('child sees all live', async () => (await child.ask('live')) === 'live 3');
  const admitted = Number((await child.ask(`load ${limit.group} k 100 20 0`)).split(' ')[1]);
  assert.ok(admitted > 0, child.stderr());
  await waitFor('the child counts everywhere', async () => (await Promise.all(members.map((m) => m.limiter.count(limit, 'k')))).every((c) => Math.round(c) === admitted));
  child.child.kill('SIGKILL');
  await waitFor('killed member forgotten', async () =>
    (await Promise.all(members.map(async (m) => !m.node.live().includes(addrs[2]!) && (await m.limiter.count(limit, 'k')) === 0))).every(Boolean),
  );
});

test('a joining member converges: it sees the counts the swarm made before it came', async (t) => {
  const addrs = await loopbackAddresses(4);
  const members = addrs.slice(0, 3).map((a) => member(a, addrs.slice(0, 3)));
  t.after(() => Promise.all(members.map(async (m) => (await m.limiter.stop(), await m.node.stop()))));
  await Promise.all(members.map(async (m) => (await m.node.start(), await m.limiter.start())));
  await waitFor('mesh', () => members.every((m) => m.limiter.converged() && m.node.live().length === 3));
  let admitted = 0;
  for (const m of members) for (let i = 0; i < 10; i++) if ((await m.limiter.allow(limit, 'k', false)).allowed) admitted++;
  assert.ok(admitted > 0);
  const joiner = member(addrs[3]!, addrs);
  t.after(async () => (await joiner.limiter.stop(), await joiner.node.stop()));
  await joiner.node.start();
  await joiner.limiter.start();
  await waitFor('the joiner sees the fleet count', async () => joiner.limiter.converged() && Math.round(await joiner.limiter.count(limit, 'k')) === admitted);
});

test('Kubernetes membership drives the gossip node: an unready pod is dropped and its messages ignored', async (t) => {
  // Two pods on loopback addresses of their own, sharing one port as pods share -swarm-port.
  const [port] = await freePorts(1, '127.0.0.2');
  const app = { application: 'skipper-ingress' };
  const api = await KubeApiServer.start([pod('a', '127.0.0.2', true, app), pod('b', '127.0.0.3', true, app)]);
  t.after(() => api.stop());
  const kube = new KubeApi(kubeConfigFromOptions({ inCluster: false, url: api.url, tokenFile: '' }));
  const nodes = ['127.0.0.2', '127.0.0.3'].map((host) => {
    const membership = new KubeMembership({
      api: kube, namespace: 'kube-system', labelSelectorKey: 'application', labelSelectorValue: 'skipper-ingress',
      port: port!, selfHost: host, backoff: { minMs: 20, maxMs: 200 },
    });
    return { membership, node: new GossipNode({ membership, maxMsgBuffer: 1 << 20, leaveTimeoutMs: 500, helloIntervalMs: 100 }) };
  });
  t.after(() => Promise.all(nodes.map(async (n) => (await n.node.stop(), await n.membership.stop()))));
  for (const n of nodes) await n.membership.start();
  await Promise.all(nodes.map((n) => n.node.start()));
  const b = `127.0.0.3:${port}`;
  assert.deepEqual(nodes[0]!.membership.members(), [`127.0.0.2:${port}`, b]);
  await waitFor('node a hears node b', () => nodes[0]!.node.live().includes(b));
  api.apply(pod('b', '127.0.0.3', false, app));
  await waitFor('unready pod dropped from node a', () => !nodes[0]!.node.live().includes(b) && !nodes[0]!.node.known().includes(b));
  // b (still running, and still listing a) keeps talking; a ignores it while membership does not list it.
  const before = nodes[0]!.node.stats().ignored;
  await waitFor('b keeps saying hello', () => nodes[0]!.node.stats().ignored >= before + 3);
  assert.ok(!nodes[0]!.node.live().includes(b));
  api.apply(pod('b', '127.0.0.3', true, app));
  await waitFor('ready again: b is back', () => nodes[0]!.node.live().includes(b));
});
