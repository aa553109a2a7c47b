import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { reversedSourceSpec, sourceSpec } from '../../src/predicates/source.ts';
import { sourceFromLastSpec } from '../../src/predicates/source-from-last.ts';
import { clientIPSpec } from '../../src/predicates/client-ip.ts';
import { predicateSuite, req } from './helpers.ts';

const invalid = [[], ['1.2.3.4/33'], ['300.1.1.1'], ['0.0.0.0'], ['::'], [1], ['1.2.3.4/'], ['fe80::1%eth0/64']];

predicateSuite(sourceSpec, [
  { args: ['1.2.3.4'], req: req({ remoteAddress: '1.2.3.4' }), want: true },
  { args: ['1.2.3.0/24'], req: req({ remoteAddress: '1.2.3.200' }), want: true },
  { args: ['1.2.3.4', '2.2.2.0/24'], req: req({ headers: { 'x-forwarded-for': '2.2.2.9, 1.1.1.1' } }), want: true },
  { args: ['1.2.3.4'], req: req({ remoteAddress: '1.2.3.4', headers: { 'x-forwarded-for': '5.5.5.5' } }), want: false, name: 'Source prefers the first X-Forwarded-For entry' },
  { args: ['1.2.3.4'], req: req({ remoteAddress: '1.2.3.4', headers: { 'x-forwarded-for': 'garbage' } }), want: true, name: 'an unparsable X-Forwarded-For falls back to the peer' },
  { args: ['2001:db8::/32'], req: req({ remoteAddress: '2001:db8::1' }), want: true },
  { args: ['2001:db8::/32'], req: req({ remoteAddress: '2001:db9::1' }), want: false },
  { args: ['1.2.3.4'], req: req({ remoteAddress: '::ffff:1.2.3.4' }), want: false, name: 'an IPv4-mapped IPv6 address is not an IPv4 address' },
  { args: ['::ffff:1.2.3.4'], req: req({ remoteAddress: '::ffff:1.2.3.4' }), want: true },
  { args: ['10.0.0.0/8'], req: req({ remoteAddress: '11.0.0.1' }), want: false },
], invalid);

predicateSuite(sourceFromLastSpec, [
  { args: ['2.2.2.0/24'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9, 2.2.2.9' } }), want: true },
  { args: ['9.9.9.9'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9, 2.2.2.9' } }), want: false },
  { args: ['10.0.0.1'], req: req(), want: true },
], invalid);

predicateSuite(clientIPSpec, [
  { args: ['10.0.0.0/24'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9' } }), want: true, name: 'ClientIP ignores X-Forwarded-For' },
  { args: ['9.9.9.9'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9' } }), want: false },
  { args: ['::1'], req: req({ remoteAddress: '::1' }), want: true },
], invalid);

predicateSuite(clientIPSpec, [
  { args: ['::ffff:0:0/96'], req: req({ remoteAddress: '::ffff:1.2.3.4' }), want: true, name: 'embedded IPv4 in IPv6 parses into the low 32 bits' },
  { args: ['1:2:3:4:5:6:7:0/112'], req: req({ remoteAddress: '1:2:3:4:5:6:7:ffff' }), want: true },
  { args: ['1:2:3:4:5:6:7:0/112'], req: req({ remoteAddress: '1:2:3:4:5:6:8:0' }), want: false },
  { args: ['1::/16'], req: req({ remoteAddress: '1::abcd' }), want: true },
  { args: ['fe80::/10'], req: req({ remoteAddress: 'fe80::1%eth0' }), want: true, name: 'a zone on the peer address is ignored' },
  { args: ['0.0.0.0/0'], req: req({ remoteAddress: '255.255.255.255' }), want: true },
  { args: ['0.0.0.0/0'], req: req({ remoteAddress: '::1' }), want: false, name: 'an IPv4 network never holds an IPv6 address' },
], []);

// -reverse-source-predicate: the registry's Source() reads the last entry, which the load balancer wrote.
predicateSuite(reversedSourceSpec, [
  { args: ['2.2.2.0/24'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9, 2.2.2.9' } }), want: true },
  { args: ['9.9.9.9'], req: req({ headers: { 'x-forwarded-for': '9.9.9.9, 2.2.2.9' } }), want: false, name: 'a spoofed first entry is not the client' },
  { args: ['10.0.0.1'], req: req(), want: true, name: 'without X-Forwarded-For the peer counts' },
], invalid);

test('builtinPredicates picks the Source() flavour from reverseSource', () => {
  const xff = req({ headers: { 'x-forwarded-for': '9.9.9.9, 2.2.2.9' } });
  const first = builtinPredicates().get('Source')!.create(['9.9.9.9']);
  const last = builtinPredicates({ reverseSource: true }).get('Source')!.create(['9.9.9.9']);
  assert.equal(first.match(xff), true);
  assert.equal(last.match(xff), false);
  assert.equal(builtinPredicates({ reverseSource: true }).get('SourceFromLast'), sourceFromLastSpec, 'SourceFromLast is unchanged');
});
