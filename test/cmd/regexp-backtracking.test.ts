import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSkipjack } from './harness.ts';

/** GET over a fresh connection; rejects if no answer arrives within `ms`. */
async function status(url: string, ms: number): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(ms) })).status;
}

// ^/(a+)+$ against "/" + 40 × "a" + "!" takes about 2^40 steps on a backtracking engine: hours, not a slow
// answer. The command re-runs such a match on V8's linear-time engine, so the answer is a plain 404.
test('a catastrophic route regexp on a hostile path does not block the proxy', { timeout: 90_000 }, async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=evil: PathRegexp("^/(a+)+$") -> status(200) -> <shunt>; ok: Path("/ok") -> status(204) -> <shunt>;', '-access-log-disabled']);
  const hostile = `${sj.base}/${'a'.repeat(40)}!`;
  assert.equal(await status(hostile, 60_000), 404);
  assert.equal(await status(`${sj.base}/ok`, 10_000), 204);
  assert.equal(await status(`${sj.base}/${'a'.repeat(40)}`, 10_000), 200, 'the pattern still matches what it should');
});

test('a catastrophic regexp in a filter argument does not block the proxy either', { timeout: 90_000 }, async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> modPath("^/(b+)+$", "/x") -> status(204) -> <shunt>;', '-access-log-disabled']);
  assert.equal(await status(`${sj.base}/${'b'.repeat(40)}!`, 60_000), 204);
});

test('a case-insensitive catastrophic regexp does not block the proxy either', { timeout: 90_000 }, async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=evil: PathRegexp("(?i)^/(a+)+$") -> status(200) -> <shunt>;', '-access-log-disabled']);
  assert.equal(await status(`${sj.base}/${'aA'.repeat(20)}!`, 60_000), 404);
  assert.equal(await status(`${sj.base}/${'aA'.repeat(20)}`, 10_000), 200, 'still case-insensitive');
});

// Bounded repeats escaped V8's fallback: ^(a+){2,100}$ against 30 a's and a "!" took 3.2 s, and 60 of them
// far longer than the test's bound, with every other request waiting. Such expressions now run on RE2.
test('a bounded-repeat catastrophic header regexp does not block other requests', { timeout: 90_000 }, async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=evil: HeaderRegexp("X-Test", "^(a+){2,100}$") -> status(200) -> <shunt>; ok: Path("/ok") -> status(204) -> <shunt>;', '-access-log-disabled']);
  const hostile = fetch(`${sj.base}/x`, { headers: { 'x-test': `${'a'.repeat(60)}!` }, signal: AbortSignal.timeout(60_000) });
  const other = fetch(`${sj.base}/ok`, { signal: AbortSignal.timeout(60_000) });
  assert.equal((await other).status, 204);
  assert.equal((await hostile).status, 404);
  const matching = await fetch(`${sj.base}/x`, { headers: { 'x-test': 'a'.repeat(60) }, signal: AbortSignal.timeout(10_000) });
  assert.equal(matching.status, 200, 'the expression still matches what it should');
});
