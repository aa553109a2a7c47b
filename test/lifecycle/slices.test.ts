import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSliced, type Steps } from '../../src/lifecycle/index.ts';

function* logging(log: string[], tag: string, n: number): Steps<number> {
  for (let i = 0; i < n; i++) {
    log.push(tag);
    yield;
  }
  return n;
}

/** How many of `tag` the log holds between the first and the last entry of `other`. */
function between(log: readonly string[], tag: string, other: string): number {
  const first = log.indexOf(other);
  const last = log.lastIndexOf(other);
  return log.slice(first, last).filter((t) => t === tag).length;
}

test('background work waits while a build runs in slices, and finishes after it', async () => {
  const log: string[] = [];
  // Both hand the event loop back at every step (sliceMs 0): without priority they would alternate.
  const bg = runSliced(logging(log, 'b', 50), { sliceMs: 0, background: true });
  const fg = runSliced(logging(log, 'f', 50), { sliceMs: 0 });
  assert.deepEqual(await Promise.all([bg, fg]), [50, 50]);
  assert.ok(between(log, 'b', 'f') <= 1, `background steps during the build: ${between(log, 'b', 'f')} (${log.join('')})`);
  assert.equal(log.filter((t) => t === 'b').length, 50);
});

test('two builds in slices share the thread: neither is background to the other', async () => {
  const log: string[] = [];
  const one = runSliced(logging(log, 'a', 50), { sliceMs: 0 });
  const two = runSliced(logging(log, 'f', 50), { sliceMs: 0 });
  await Promise.all([one, two]);
  assert.ok(between(log, 'a', 'f') > 10, `steps of the first during the second: ${between(log, 'a', 'f')}`);
});

test('a build that throws still lets background work go on', async () => {
  const log: string[] = [];
  function* failing(): Steps<never> {
    yield;
    throw new Error('broken build');
  }
  const bg = runSliced(logging(log, 'b', 20), { sliceMs: 0, background: true });
  await assert.rejects(runSliced(failing(), { sliceMs: 0 }), /broken build/);
  assert.equal(await bg, 20);
});
