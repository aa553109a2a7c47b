import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../support/instance-channel-fixture.ts', import.meta.url));

test('InstanceChannel: a worker\'s requests of one turn travel as one batch and come back in order; failures reject, never hang', async (t) => {
  const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);
  const r = JSON.parse(out.trim());
  assert.deepEqual(r.answers, Array.from({ length: 100 }, (_, i) => i * 2));
  assert.deepEqual(r.now, [2, 4, 6, 8]);
  assert.equal(r.batches, 1 + 2, '100 requests in one turn: one IPC message; then requestNow sends its batch at once and the rest of the turn follows');
  assert.deepEqual(r.slow, [2, 3, 4], 'asynchronous answers');
  assert.deepEqual(r.brokenBatch.map((x: { ok: boolean }) => x.ok), [false, false, false], 'a handler that throws fails its whole batch');
  assert.match(r.brokenBatch[0].v, /three is not allowed/);
  assert.deepEqual(r.brokenAfter, { ok: true, v: 1 }, 'the channel still works afterwards');
  assert.equal(r.silent.ok, false);
  assert.match(r.silent.v, /no answer from the primary within 200 ms/);
  assert.deepEqual(r.verdict, { allowed: true, retryAfterSec: 0 }, 'a local limit whose primary does not answer admits');
  assert.equal(r.fallbacks, 1, 'and counts it as a fallback');
});
