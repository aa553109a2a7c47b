import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StaticMembership } from '../../../swarm/membership/static-membership.ts';

test('static membership: self plus the others, deduplicated and sorted; comma separated flag values split', () => {
  const m = new StaticMembership({ staticSelf: '127.0.0.2:9990', staticOther: '127.0.0.3:9990, 127.0.0.1:9990,127.0.0.2:9990' });
  assert.equal(m.self, '127.0.0.2:9990');
  assert.deepEqual(m.members(), ['127.0.0.1:9990', '127.0.0.2:9990', '127.0.0.3:9990']);
  assert.ok(m.acceptsUnlisted);
  const v6 = new StaticMembership({ staticSelf: '[::1]:9990', staticOther: [] });
  assert.deepEqual(v6.members(), ['[::1]:9990']);
});

test('static membership: an address without a port names the flag', () => {
  assert.throws(() => new StaticMembership({ staticSelf: 'localhost', staticOther: [] }), /-swarm-static-self: "localhost"/);
  assert.throws(() => new StaticMembership({ staticSelf: 'a:1', staticOther: ['b:99999'] }), /-swarm-static-other: "b:99999"/);
});
