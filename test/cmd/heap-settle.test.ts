/**
 * Every process of an instance settles its heap (src/lifecycle/heap-settle.ts) before the instance listens:
 * -workers 1 once, -workers 2 in the primary and in each worker.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSkipjack } from './harness.ts';

for (const workers of [1, 2]) {
  test(`-workers ${workers}: each process settles its heap before the proxy listens`, async (t) => {
    const s = await startSkipjack(t, ['-application-log-level=DEBUG', '-inline-routes=r: * -> status(204) -> <shunt>;'], { workers });
    assert.equal((await fetch(`${s.base}/`)).status, 204);
    const lines = s.stderr().split('\n');
    const listening = lines.findIndex((l) => /proxy listening on/.test(l));
    const settled = lines.map((l, i) => [i, /heap settled before serving: (\d+) → (\d+) MB in (\d+) ms/.exec(l)] as const).filter(([, m]) => m !== null);
    assert.equal(settled.length, workers === 1 ? 1 : workers + 1, s.stderr());
    for (const [i, m] of settled) {
      assert.ok(i < listening, `settled after the listening line:\n${s.stderr()}`);
      assert.ok(Number(m![2]) <= Number(m![1]) + 1, `the heap grew while settling: ${m![0]}`);
    }
  });
}
