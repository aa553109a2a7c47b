import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinPredicates } from '../../src/predicates/builtin.ts';

test('every predicate of the catalogue is registered', () => {
  const want = ['Path', 'PathSubtree', 'PathRegexp', 'Host', 'HostAny', 'Method', 'Methods', 'Header', 'HeaderRegexp', 'Cookie',
    'QueryParam', 'Source', 'SourceFromLast', 'ClientIP', 'Weight', 'True', 'False', 'Traffic', 'TrafficSegment', 'Tee',
    'ContentLengthBetween', 'After', 'Before', 'Between', 'Cron', 'ForwardedHost', 'ForwardedProtocol', 'JWTPayloadAnyKV',
    'JWTPayloadAllKV', 'JWTPayloadAnyKVRegexp', 'JWTPayloadAllKVRegexp', 'HeaderSHA256', 'Shutdown'];
  assert.deepEqual(builtinPredicates().names(), [...want].sort());
});

test('the registry takes the injected clock and random source', () => {
  const r = builtinPredicates({ clock: () => 0, random: () => 0.99 });
  const probe = { method: 'GET', host: '', path: '/', rawQuery: '', headers: {}, remoteAddress: '' };
  assert.equal(r.get('Before')!.create([1]).match(probe), true);
  assert.equal(r.get('Traffic')!.create([0.9]).match(probe), false);
});
