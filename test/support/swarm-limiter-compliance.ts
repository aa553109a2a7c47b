/**
 * The behaviour every SwarmLimiter shares (Redis, gossip, …), as one suite each implementation runs:
 * `swarmLimiterCompliance('redis', async () => ({ limiter, close }))`. What differs between implementations
 * (exactness across instances, convergence time) is tested next to each, not here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LimitSettings, SwarmLimiter } from '../../src/ratelimit/ports.ts';

export interface LimiterUnderTest {
  limiter: SwarmLimiter;
  close(): Promise<void>;
}

// One hour: no test below straddles a window boundary except by a 1-in-3600 chance per second of runtime.
const hour = (group: string, maxHits: number): LimitSettings => ({ group, maxHits, windowMs: 3_600_000 });

export function swarmLimiterCompliance(name: string, make: () => Promise<LimiterUnderTest>): void {
  const withLimiter = (title: string, body: (l: SwarmLimiter) => Promise<void>) =>
    test(`${name} SwarmLimiter: ${title}`, async (t) => {
      const u = await make();
      t.after(() => u.close());
      await body(u.limiter);
    });

  withLimiter('admits maxHits for a key, then refuses with a Retry-After within two windows', async (l) => {
    const limit = hour('compliance-a', 5);
    const ds = [];
    for (let i = 0; i < 8; i++) ds.push(await l.allow(limit, 'client', false));
    assert.deepEqual(ds.map((d) => d.allowed), [true, true, true, true, true, false, false, false]);
    for (const d of ds.slice(5)) assert.ok(d.retryAfterMs > 0 && d.retryAfterMs <= 2 * limit.windowMs, String(d.retryAfterMs));
    for (const d of ds.slice(0, 5)) assert.equal(d.retryAfterMs, 0);
    assert.ok(ds.every((d) => d.source !== 'fail-closed'));
  });

  withLimiter('keys and groups count apart', async (l) => {
    const a = hour('compliance-b', 1);
    const b = hour('compliance-c', 1);
    assert.equal((await l.allow(a, 'k1', false)).allowed, true);
    assert.equal((await l.allow(a, 'k1', false)).allowed, false);
    assert.equal((await l.allow(a, 'k2', false)).allowed, true);
    assert.equal((await l.allow(b, 'k1', false)).allowed, true);
    // a separator inside a group or key must not make two pairs collide
    assert.equal((await l.allow(a, 'k:1', false)).allowed, true);
    assert.equal((await l.allow(hour('compliance-b:k', 1), '1', false)).allowed, true);
  });

  withLimiter('refused requests are not counted; count reports the admitted ones', async (l) => {
    const limit = hour('compliance-d', 3);
    for (let i = 0; i < 6; i++) await l.allow(limit, 'x', false);
    if (l.count !== undefined) {
      assert.equal(await l.count(limit, 'x'), 3);
      assert.equal(await l.count(limit, 'never-seen'), 0);
    }
  });

  withLimiter('a limit of 0 refuses everything', async (l) => {
    const d = await l.allow(hour('compliance-e', 0), 'k', false);
    assert.equal(d.allowed, false);
  });
}
