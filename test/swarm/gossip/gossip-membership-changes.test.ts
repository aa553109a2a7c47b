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

test('Kubernetes membership drives the gossip node: an unready pod is dropped and its messages held, not counted', async (t) => {
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

/** Pods on loopback addresses of their own sharing one -swarm-port, each a Kubernetes-membership node and limiter. */
async function kubePods(t: { after(fn: () => unknown): void }, pods: [name: string, ip: string, ready: boolean][], nodeOptions: { joinGraceMs?: number } = {}) {
  const [port] = await freePorts(1, pods[0]![1]);
  const app = { application: 'skipper-ingress' };
  const api = await KubeApiServer.start(pods.map(([name, ip, ready]) => pod(name, ip, ready, app)));
  t.after(() => api.stop());
  const kube = new KubeApi(kubeConfigFromOptions({ inCluster: false, url: api.url, tokenFile: '' }));
  const member = (host: string) => {
    const membership = new KubeMembership({
      api: kube, namespace: 'kube-system', labelSelectorKey: 'application', labelSelectorValue: 'skipper-ingress',
      port: port!, selfHost: host, backoff: { minMs: 20, maxMs: 200 },
    });
    const node = new GossipNode({ membership, maxMsgBuffer: 1 << 20, leaveTimeoutMs: 500, ...nodeOptions });
    return { id: `${host}:${port}`, membership, node, limiter: new GossipLimiter({ node, maxMsgBuffer: 1 << 20 }) };
  };
  const started: ReturnType<typeof member>[] = [];
  t.after(() => Promise.all(started.map(async (m) => (await m.limiter.stop(), await m.node.stop(), await m.membership.stop()))));
  return {
    id: (ip: string) => `${ip}:${port}`,
    setReady: (name: string, ip: string, ready: boolean) => api.apply(pod(name, ip, ready, app)),
    start: async (host: string) => {
      const m = member(host);
      started.push(m);
      await m.membership.start();
      await m.node.start();
      await m.limiter.start();
      return m;
    },
  };
}

test('Kubernetes: a pod that served before its readiness reached the watch is live at that watch event, with its counts', async (t) => {
  const k = await kubePods(t, [['a', '127.0.0.2', true], ['b', '127.0.0.3', false]]);
  const a = await k.start('127.0.0.2');
  // b runs while its pod is not ready yet (a joining pod between its start and its readiness probe).
  const b = await k.start('127.0.0.3');
  await waitFor('b hears a', () => b.node.live().includes(a.id) && b.limiter.converged());
  let admitted = 0;
  for (let i = 0; i < 40; i++) if ((await b.limiter.allow(limit, 'k', false)).allowed) admitted++;
  assert.ok(admitted > 0);
  // b's report of those hits goes out at its next flush (within 100 ms; one stream, in order): of three messages
  // a holds after the load, at most one is a hello in flight and one a hello sent before that flush (1 s apart).
  const held = a.node.stats().ignored;
  await waitFor('a holds three more messages of b', () => a.node.stats().ignored >= held + 3);
  assert.ok(!a.node.live().includes(b.id), 'unlisted b does not count');
  const atListing = new Promise<{ live: boolean; known: number; count: number }>((resolve) => {
    // Registered after the node's own listener: sees the node's view right after the watch event.
    const off = a.membership.onChange((m) => {
      if (!m.includes(b.id)) return;
      off();
      void a.limiter.count(limit, 'k').then((count) => resolve({ live: a.node.live().includes(b.id), known: a.node.known().length, count }));
    });
  });
  k.setReady('b', '127.0.0.3', true);
  const seen = await atListing;
  // Before: b's messages were dropped until it was listed, so it was a member that was not live (a's side held
  // limit × 1/2) and its hits were unknown until its next report.
  assert.deepEqual(seen, { live: true, known: 2, count: admitted });
});

test('Kubernetes: a pod listed after start and never heard holds no share during the join grace, and its share after it', async (t) => {
  const k = await kubePods(t, [['a', '127.0.0.2', true], ['c', '127.0.0.4', false], ['d', '127.0.0.5', false]], { joinGraceMs: 1500 });
  const a = await k.start('127.0.0.2');
  const atListing = new Promise<readonly string[]>((resolve) => {
    const off = a.membership.onChange((m) => {
      if (!m.includes(k.id('127.0.0.4'))) return;
      off();
      resolve(a.node.known());
    });
  });
  // c's pod turns ready, but no process at its address ever speaks.
  k.setReady('c', '127.0.0.4', true);
  assert.deepEqual(await atListing, [a.id], 'within the grace: not known, a keeps the whole limit');
  // a takes the whole limit for itself meanwhile: with 2 known members it would be half.
  let admitted = 0;
  for (let i = 0; i < 150; i++) if ((await a.limiter.allow(limit, 'g', false)).allowed) admitted++;
  assert.equal(admitted, 100);
  // After the grace a silent ready pod holds its share, as a partitioned one does.
  await waitFor('c known after the grace', () => a.node.known().includes(k.id('127.0.0.4')));
  assert.deepEqual(a.node.live(), [a.id]);
  // A second silent pod gets a grace of its own, with c's ended grace still on record.
  const d = k.id('127.0.0.5');
  const atSecond = new Promise<readonly string[]>((resolve) => {
    const off = a.membership.onChange((m) => m.includes(d) && (off(), resolve(a.node.known())));
  });
  k.setReady('d', '127.0.0.5', true);
  assert.deepEqual(await atSecond, [a.id, k.id('127.0.0.4')]);
  await waitFor('d known after its grace', () => a.node.known().includes(d));
});
