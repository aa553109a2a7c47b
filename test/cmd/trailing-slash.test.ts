import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSkipjack } from './harness.ts';

const routes = '-inline-routes=a: Path("/a") -> status(200) -> inlineContent("a") -> <shunt>; b: Path("/b/") -> status(200) -> inlineContent("b") -> <shunt>;';

async function statuses(base: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of ['/a', '/a/', '/b', '/b/']) {
    const r = await fetch(`${base}${p}`);
    await r.text();
    out.push(r.status);
  }
  return out;
}

test('Path matches its trailing slash exactly by default', async (t) => {
  const sj = await startSkipjack(t, [routes, '-access-log-disabled']);
  assert.deepEqual(await statuses(sj.base), [200, 404, 404, 200]);
});

test('-ignore-trailing-slash: Path("/a") matches "/a/" and Path("/b/") matches "/b"', async (t) => {
  const sj = await startSkipjack(t, [routes, '-access-log-disabled', '-ignore-trailing-slash']);
  assert.deepEqual(await statuses(sj.base), [200, 200, 200, 200]);
});
