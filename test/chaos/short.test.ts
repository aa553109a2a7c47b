/**
 * The short form of chaos-tests/ (the long form is `npm run chaos`): small K, few short windows, the same
 * scenario code. Asserts the invariants that are counts — admitted per window within the limit's bound, every
 * request answered, failed requests fleet-wide with shared breakers — and never the timing targets (those are
 * printed by the long form). Every process and namespace is cleaned up pass or fail.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAll, scoped } from '../../chaos-tests/lib/cleanup.ts';
import { formatTable, type Row } from '../../chaos-tests/lib/table.ts';
import { gossipMode, redisMode } from '../../chaos-tests/ratelimit-accuracy/scenarios.ts';
import { partition, partitionSkipReason } from '../../chaos-tests/ratelimit-accuracy/partition.ts';
import { deadBackend } from '../../chaos-tests/breakers/scenarios.ts';

after(cleanupAll);
// The first scenario may rebuild dist/ (builtCommand) when sources are newer: its timeout leaves room for it.

function holds(t: { diagnostic(s: string): void }, rows: Row[]): void {
  t.diagnostic(`\n${formatTable(rows)}`);
  const missed = rows.filter((r) => r.ok === false);
  assert.deepEqual(missed.map((r) => `${r.measure}: ${r.measured} (target ${r.target})`), []);
}

test('Redis mode, K=3: every window admits limit..limit+1 across the fleet; every request answered', { timeout: 120_000 }, async (t) => {
  holds(t, await scoped(() => redisMode({ k: 3, limit: 20, windowS: 2, windows: 2 })));
});

test('gossip mode, K=3: every window admits at most limit + 2; every request answered', { timeout: 120_000 }, async (t) => {
  holds(t, await scoped(() => gossipMode({ k: 3, limit: 10, windowS: 2, windows: 2, overload: 3 }, { plus: 2 })));
});

test('dead backend, K=3, shared breakers: at most threshold + K failed requests reach it, and every instance opens', { timeout: 120_000 }, async (t) => {
  const threshold = 5;
  const r = await scoped(() => deadBackend(3, threshold, true, 1, 60));
  t.diagnostic(JSON.stringify(r));
  assert.ok(r.everyInstanceOpened, 'every instance answered 503');
  assert.ok(r.failures <= threshold + 3, `${r.failures} failed requests reached the backend`);
});

const skip = partitionSkipReason();
test('3|2 partition of a gossip swarm: fleet ≤ 1.10 × limit, each side ≥ 0.9 × its share', { skip: skip ?? false, timeout: 90_000 }, async (t) => {
  holds(t, await scoped(() => partition({ k: 5, limit: 50, windowS: 2, windows: 1 })));
});
