import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/net/duration.ts';

test('parses Go durations into milliseconds', () => {
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('100ms'), 100);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('2h45m'), 9_900_000);
  assert.equal(parseDuration('1500us'), 1.5);
  assert.equal(parseDuration('-1m'), -60_000);
  assert.equal(parseDuration('0'), 0);
});

test('rejects what Go rejects, naming the text', () => {
  for (const bad of ['10', '', 's', '1x', '1s2', 'ten seconds', '1 s']) {
    assert.throws(() => parseDuration(bad), (e: Error) => e.message.includes(`"${bad}"`), bad);
  }
});

test('formats like Go prints durations', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(100), '100ms');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(60_000), '1m0s');
  assert.equal(formatDuration(300_000), '5m0s');
  assert.equal(formatDuration(3_723_500), '1h2m3.5s');
  assert.equal(parseDuration(formatDuration(3_723_500)), 3_723_500);
});
