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
    // By the lines' timestamps: each process writes its own lines, so a worker's line may reach the shared
    // stderr after the primary's "listening" line although it was logged before it.
    const at = (l: string): number => Date.parse(/time="([^"]+)"/.exec(l)?.[1] ?? '');
    const listening = at(lines.find((l) => /proxy listening on/.test(l)) ?? '');
    assert.ok(Number.isFinite(listening), s.stderr());
    const settled = lines.map((l) => [at(l), /heap settled before serving: (\d+) → (\d+) MB in (\d+) ms/.exec(l)] as const).filter(([, m]) => m !== null);
    assert.equal(settled.length, workers === 1 ? 1 : workers + 1, s.stderr());
    for (const [t, m] of settled) {
      assert.ok(t <= listening, `settled after the listening line:\n${s.stderr()}`);
      assert.ok(Number(m![2]) <= Number(m![1]) + 1, `the heap grew while settling: ${m![0]}`);
    }
  });
}
