/**
 * Rate limits in the real skipjack command: per-instance counting across node:cluster workers, the
 * -ratelimits default, decision metrics, and flag handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSkipjack, startBackend, startSkipjack, until } from './harness.ts';

const quiet = ['-access-log-disabled', '-wait-for-healthcheck-interval=0s'];

/** Sends `n` requests over fresh connections, `parallel` at a time, and counts the answers by status. */
async function load(url: string, n: number, parallel: number, headers: Record<string, string> = {}): Promise<Map<number, number>> {
  const byStatus = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await fetch(url, { headers: { connection: 'close', ...headers } });
      await r.arrayBuffer();
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return byStatus;
}

test('-workers 2: ratelimit(10, "1m") admits exactly 10 across both workers', async (t) => {
  let reached = 0;
  const b = await startBackend(t, (_req, res) => {
    reached++;
    res.end('ok');
  });
  const sj = await startSkipjack(t, ['-enable-ratelimits', `-inline-routes=r: * -> ratelimit(10, "1m") -> "${b.url}";`, ...quiet], { workers: 2 });
  const n = 60;
  const byStatus = new Map<number, number>();
  let sent = 0;
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (sent < n) {
      sent++;
      const r = await fetch(sj.base, { headers: { connection: 'close' } });
      await r.arrayBuffer();
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    }
  }));
  assert.equal(byStatus.get(200), 10, `admitted: ${JSON.stringify([...byStatus])}`);
  assert.equal(byStatus.get(429), n - 10);
  assert.equal(reached, 10);
  // Decisions are counted in the worker that asked and summed by the primary. The primary hands the 60
  // fresh connections to the workers round-robin (node:cluster SCHED_RR), so both decided about half.
  const text = await (await fetch(`${sj.support}/metrics`)).text();
  assert.match(text, /skipjack_ratelimit_decisions_total\{group="ratelimit\(type=service,max-hits=10,time-window=1m0s\)",outcome="allowed"\} 10\b/);
  assert.match(text, new RegExp(`skipjack_ratelimit_decisions_total\\{group="ratelimit\\(type=service,max-hits=10,time-window=1m0s\\)",outcome="refused"\\} ${n - 10}\\b`));
});

test('-ratelimits: a client default on every route, disableRatelimit opts out; the flag enables the filters', async (t) => {
  const b = await startBackend(t, (_req, res) => res.end('ok'));
  const routes = `a: Path("/a") -> "${b.url}"; free: Path("/free") -> disableRatelimit() -> "${b.url}"; c: Path("/c") -> clientRatelimit(1, "1h", "Authorization") -> "${b.url}";`;
  const sj = await startSkipjack(t, ['-ratelimits=type=client,max-hits=2,time-window=1h', `-inline-routes=${routes}`, ...quiet]);
  const one = await load(`${sj.base}/a`, 3, 1, { 'x-forwarded-for': '203.0.113.1' });
  assert.deepEqual([...one].sort(), [[200, 2], [429, 1]]);
  const other = await load(`${sj.base}/a`, 2, 1, { 'x-forwarded-for': '203.0.113.2' });
  assert.deepEqual([...other], [[200, 2]], 'another client has its own default bucket');
  const free = await load(`${sj.base}/free`, 5, 1, { 'x-forwarded-for': '203.0.113.1' });
  assert.deepEqual([...free], [[200, 5]]);
  const refused = await fetch(`${sj.base}/a`, { headers: { 'x-forwarded-for': '203.0.113.1' } });
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('x-rate-limit'), '2');
  const listed = await (await fetch(`${sj.support}/routes`)).text();
  assert.match(listed, /globalRatelimit\("type=client,max-hits=2,time-window=1h"\)/, '/routes shows the default where it applies');
});

test('without -enable-ratelimits the filters are unknown (as Skipper); a bad -ratelimits stops start-up naming the flag', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> ratelimit(1, "1m") -> <shunt>; ok: Path("/ok") -> inlineContent("ok") -> <shunt>;', ...quiet]);
  await sj.waitFor(/filter \\?"ratelimit\\?" not found/);
  assert.equal((await fetch(`${sj.base}/ok`)).status, 200);
  const bad = await runSkipjack(['-ratelimits=type=sometimes,max-hits=1,time-window=1s', '-inline-routes=r: * -> <shunt>;']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /-ratelimits: invalid ratelimit type "sometimes"/);
});

test('cluster filters without a swarm: admitted, with one warning naming the group', async (t) => {
  const sj = await startSkipjack(t, ['-enable-ratelimits', '-inline-routes=r: * -> clusterClientRatelimit("login", 1, "1h") -> inlineContent("ok") -> <shunt>;', ...quiet], { workers: 2 });
  const got = await load(sj.base, 5, 1);
  assert.deepEqual([...got], [[200, 5]]);
  await until(() => /rate limit group \\?"login\\?": no swarm/.test(sj.stderr()), 'the warning');
  assert.equal(sj.stderr().match(/rate limit group \\?"login\\?": no swarm/g)!.length, 1, 'once per instance, not per worker');
});
