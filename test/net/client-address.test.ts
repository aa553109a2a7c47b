import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress } from '../../src/net/index.ts';

// Expected values follow Skipper's net.RemoteHost / RemoteHostFromLast (net/net.go): the first entry is read
// as it stands, the last one trimmed, each with an optional port stripped; anything else falls back to the peer.
const cases: [string, string, string | string[] | undefined, 'first' | 'last' | 'peer', string][] = [
  ['no header: the peer', '10.0.0.9', undefined, 'first', '10.0.0.9'],
  ['first entry', '10.0.0.9', '1.2.3.4, 5.6.7.8', 'first', '1.2.3.4'],
  ['last entry, trimmed', '10.0.0.9', '1.2.3.4, 5.6.7.8', 'last', '5.6.7.8'],
  ['first entry with a port', '10.0.0.9', '1.2.3.4:8080, 5.6.7.8', 'first', '1.2.3.4'],
  ['IPv6 with a port', '10.0.0.9', '[2001:db8::1]:80', 'last', '2001:db8::1'],
  ['first entry with a leading space is no IP (Go does not trim it)', '10.0.0.9', ' 1.2.3.4', 'first', '10.0.0.9'],
  ['garbage falls back to the peer', '10.0.0.9', 'unknown', 'last', '10.0.0.9'],
  ['only the first field line counts', '10.0.0.9', ['1.1.1.1', '2.2.2.2'], 'last', '1.1.1.1'],
  ['peer ignores the header', '10.0.0.9', '1.2.3.4', 'peer', '10.0.0.9'],
  ['an IPv4-mapped peer stays IPv6, as netip keeps it', '::ffff:10.0.0.9', undefined, 'peer', '::ffff:10.0.0.9'],
  ['peer with a port', '10.0.0.9:5555', undefined, 'peer', '10.0.0.9'],
  ['unparseable peer', 'pipe', undefined, 'peer', ''],
];

for (const [name, remote, xff, pick, want] of cases) {
  test(`clientAddress: ${name}`, () => assert.equal(clientAddress(remote, xff, pick), want));
}
