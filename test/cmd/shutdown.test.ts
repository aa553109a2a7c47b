import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { startBackend, startSkipjack, until } from './harness.ts';

test('SIGTERM: /healthz turns unhealthy, in-flight requests finish, exit 0', async (t) => {
  // Every backend answer takes a while, so requests are in flight when the signal arrives.
  const backend = await startBackend(t, (_req, res) => setTimeout(() => res.end('ok'), 150));
  const sj = await startSkipjack(t, [`-inline-routes=r: * -> "${backend.url}";`, '-wait-for-healthcheck-interval=1s', '-access-log-disabled']);
  const agent = new Agent({ connections: 16 });
  t.after(() => agent.close());

  let started = 0;
  let completed = 0;
  const failures: string[] = [];
  let listenerGone = false;
  const loop = async (): Promise<void> => {
    while (!listenerGone) {
      started++;
      try {
        const res = await request(`${sj.base}/`, { dispatcher: agent });
        const body = await res.body.text();
        if (res.statusCode === 200 && body === 'ok') completed++;
        else failures.push(`status ${res.statusCode}`);
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A new connection refused after the listener closed is not a dropped request: it never got in.
        if (code === 'ECONNREFUSED') {
          started--;
          listenerGone = true;
        } else failures.push(code ?? String(err));
      }
    }
  };
  const loops = Array.from({ length: 16 }, loop);
  await until(() => completed > 32, 'load running');
  sj.proc.kill('SIGTERM');
  await until(async () => (await fetch(`${sj.support}/healthz`)).status === 503, '/healthz 503');
  const exit = await sj.exited;
  listenerGone = true;
  await Promise.all(loops);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(failures, []);
  assert.equal(completed, started);
});
