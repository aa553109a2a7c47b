import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgsError } from '../../../src/errors.ts';
import { backendLatency, durationOrNull, latency } from '../../../src/filters/diagnostics/latency.ts';
import { makeContext, spin } from './context.ts';

test('durationOrNull accepts Go durations only', () => {
  assert.equal(durationOrNull('1h2m3.5s'), 3_723_500);
  assert.equal(durationOrNull('120'), null);
});

for (const [spec, hook] of [[latency, 'response'], [backendLatency, 'request']] as const) {
  test(`${spec.name} waits before continuing`, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    for (const arg of [120, '120ms']) {
      const f = spec.create([arg]);
      assert.equal(f[hook === 'request' ? 'response' : 'request'], undefined);
      let done = false;
      const p = Promise.resolve(f[hook]!(makeContext())).then(() => { done = true; });
      await spin(5);
      assert.equal(done, false, 'must not continue before the delay');
      t.mock.timers.tick(119);
      await spin(5);
      assert.equal(done, false);
      t.mock.timers.tick(1);
      await p;
      assert.equal(done, true);
    }
  });

  test(`${spec.name} validates its argument`, () => {
    for (const bad of [[], ['1x'], [-1], ['-5ms'], [1, 2], [Number.NaN]]) {
      assert.throws(() => spec.create(bad), InvalidArgsError, JSON.stringify(bad));
    }
    assert.equal(spec.create([0]).request, undefined);
  });
}
