/**
 * The fuzz targets in the suite: every saved crash (test/fuzz/corpus/) is replayed, then each target mutates
 * for a few seconds. Invariants: the eskip parser throws nothing but EskipParseError and what it parses
 * prints back equal; annotation validation and reading never throw; the proxy survives any request head
 * and answers each with a valid HTTP/1.x response or a close. `npm run fuzz` runs the same for longer.
 */
import { test } from 'node:test';
import { annotationsTarget, eskipTarget } from './targets.ts';
import { corpus, fuzz, requestHeadTarget } from './run.ts';

for (const target of [eskipTarget, annotationsTarget]) {
  test(`fuzz ${target.name}: corpus replay, then a short mutation run`, async () => {
    for (const [, input] of corpus(target.name)) await target.run(input);
    await fuzz(target, { ms: 3000, runs: 3000, keep: false });
  });
}

test('fuzz request heads against a real proxy listener: corpus replay, then a short mutation run', { timeout: 120_000 }, async (t) => {
  const target = await requestHeadTarget(t, 250);
  for (const [, input] of corpus(target.name)) await target.run(input);
  await fuzz(target, { ms: 8000, runs: 60, keep: false });
});
