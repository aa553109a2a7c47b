import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRatelimitsFlag, rateLimitHeaders, retryAfterSeconds } from '../../src/ratelimit/settings.ts';

test('-ratelimits parses Skipper syntax', () => {
  assert.deepEqual(parseRatelimitsFlag('type=client,max-hits=20,time-window=60s'), { kind: 'client', maxHits: 20, windowMs: 60_000, group: '', identity: 'xff' });
  assert.deepEqual(parseRatelimitsFlag('type=clusterService,max-hits=5,time-window=1h,group=g'), { kind: 'clusterService', maxHits: 5, windowMs: 3_600_000, group: 'g', identity: '' });
  assert.equal(parseRatelimitsFlag('type=local,max-hits=1,time-window=1s').kind, 'client', 'local is the deprecated client');
  assert.equal(parseRatelimitsFlag('max-hits=1,time-window=1s').kind, 'disabled', 'no type means disabled, as in Skipper');
  for (const bad of ['type=nope,max-hits=1,time-window=1s', 'type=client,max-hits=x,time-window=1s', 'type=client,max-hits=1,time-window=1', 'type=client,max-hits=1', 'type=client,foo=1', 'type']) {
    assert.throws(() => parseRatelimitsFlag(bad), Error, bad);
  }
});

test('headers: X-Rate-Limit is the limit per hour, Retry-After whole seconds plus one', () => {
  assert.deepEqual(rateLimitHeaders(10, 60_000, 7), { 'x-rate-limit': '600', 'retry-after': '7' });
  assert.equal(rateLimitHeaders(3, 7_000, 1)['x-rate-limit'], String(Math.floor((3 * 3600) / 7)));
  assert.equal(retryAfterSeconds(4_990), 5);
  assert.equal(retryAfterSeconds(5_000), 6);
  assert.equal(retryAfterSeconds(0), 1);
});
