/** Invariant: swapping route tables under load fails no request, and every retired generation is released once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { echoBackend, makeTable, startProxy, TestHolder } from './harness.ts';

test('table swaps during a load loop: zero failed requests, retired generations released', async (t) => {
  const be = await echoBackend(t, 'be');
  const first = makeTable([{ id: 'g0', backend: be.url }]);
  const holder = new TestHolder(first);
  const { url } = await startProxy(t, holder);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  t.after(() => agent.destroy());
  const tables = [first];
  let failures = 0;
  let done = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    http.get(`${url}/`, { agent }, (res) => {
      if (res.statusCode !== 200) failures++;
      res.resume();
      res.on('end', () => {
        done++;
        resolve();
      });
    }).on('error', () => {
      failures++;
      resolve();
    });
  });
  const load = (async () => {
    const workers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 50; i++) await one();
    });
    await Promise.all(workers);
  })();
  for (let g = 1; g <= 20; g++) {
    await new Promise((r) => setImmediate(r));
    const next = makeTable([{ id: `g${g}`, backend: be.url }]);
    tables.push(next);
    holder.swap(next);
  }
  await load;
  assert.equal(done, 400);
  assert.equal(failures, 0);
  while (holder.pinned() !== 0) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(tables.slice(0, -1).filter((x) => !x.released).map((x) => x.generation), [], 'every retired generation released');
  assert.equal(tables.at(-1)!.released, false);
});
