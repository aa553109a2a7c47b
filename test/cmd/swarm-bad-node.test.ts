/**
 * One bad node must not open the fleet's breaker. Three skipjack processes share breakers over gossip; all
 * route to the same backend address 127.0.0.2:8080, so the breaker key is the same on every instance. Two run in
 * network namespace `a`, where that address is a healthy backend; the third runs in namespace `b`, where the
 * same address is a fault-injecting TCP server that resets every connection (a broken path from that node
 * only). The namespaces are joined by a veth pair that carries the gossip. Invariant: the bad node opens its
 * own breaker (503), the other two keep answering 200 — no fleet-wide open. Root only (network namespaces).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createNetnsPair, netnsAvailable } from '../support/netns.ts';
import { startSkipjack, type Skipjack } from './harness.ts';

const run = promisify(execFile);
const available = netnsAvailable();

/** A status code from inside `ns` (the instances listen on that namespace's loopback). */
async function curl(ns: string, url: string): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, 'curl', '-s', '-o', '/dev/null', '-m', '10', '-w', '%{http_code}', url]);
  return Number(stdout);
}

const HEALTHY = `require('node:http').createServer((q, s) => s.end('ok')).listen(8080, '127.0.0.2', () => console.log('listening'))`;
const RESETTING = `require('node:net').createServer((c) => c.resetAndDestroy()).listen(8080, '127.0.0.2', () => console.log('listening'))`;

test('one instance with a broken path to a healthy backend opens only its own breaker', { skip: available ? false : 'needs root and iproute2 (network namespaces)', timeout: 120_000 }, async (t) => {
  const ns = createNetnsPair();
  t.after(() => ns.remove());
  for (const [where, code] of [[ns.a, HEALTHY], [ns.b, RESETTING]] as const) {
    const p = spawn('ip', ['netns', 'exec', where, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    t.after(() => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    });
    await new Promise<void>((resolve, reject) => {
      p.stdout!.once('data', () => resolve());
      p.once('exit', (c) => reject(new Error(`backend in ${where} exited with ${c}`)));
    });
  }
  const members = [`${ns.ipA}:7001`, `${ns.ipA}:7002`, `${ns.ipB}:7003`];
  const homes = [ns.a, ns.a, ns.b];
  const fleet: Skipjack[] = await Promise.all(members.map((self, i) => startSkipjack(t, [
    '-access-log-disabled', '-wait-for-healthcheck-interval=0s', '-enable-swarm', '-enable-breakers',
    `-swarm-static-self=${self}`, `-swarm-static-other=${members.filter((m) => m !== self).join(',')}`,
    '-inline-routes=r: * -> consecutiveBreaker(5, "1m") -> "http://127.0.0.2:8080"',
  ], { command: [...ns.exec(homes[i]!), process.execPath, 'src/cmd/skipjack.ts'] })));
  await Promise.all(fleet.map((s) => s.waitFor(/swarm gossip: 3 of 3 members live/)));

  const good: number[] = [];
  const bad: number[] = [];
  for (let round = 0; round < 12; round++) {
    const [a1, a2, b1] = await Promise.all(fleet.map((s, i) => curl(homes[i]!, s.base + '/')));
    good.push(a1!, a2!);
    bad.push(b1!);
  }
  t.diagnostic(`bad node: ${bad.join(' ')}; good nodes: ${good.filter((s) => s === 200).length} of ${good.length} answered 200`);
  assert.ok(bad.slice(0, 5).every((s) => s === 502 || s === 503), `the bad node's path fails: ${bad}`);
  assert.equal(bad.at(-1), 503, 'the bad node opened its own breaker');
  assert.deepEqual(new Set(good), new Set([200]), 'no fleet-wide open: the good nodes keep serving');
});
