import { teeSpec } from '../../src/predicates/tee.ts';
import { contentLengthBetweenSpec } from '../../src/predicates/content-length-between.ts';
import { forwardedHostSpec } from '../../src/predicates/forwarded-host.ts';
import { forwardedProtocolSpec } from '../../src/predicates/forwarded-protocol.ts';
import { predicateSuite, req } from './helpers.ts';

predicateSuite(teeSpec, [
  { args: ['shadow'], req: req({ headers: { 'x-tee-loopback-key': 'shadow' } }), want: true },
  { args: ['shadow'], req: req({ headers: { 'x-tee-loopback-key': 'other' } }), want: false },
  { args: ['shadow'], req: req(), want: false },
], [[], [1], ['a', 'b']]);

predicateSuite(contentLengthBetweenSpec, [
  { args: [0, 5000], req: req({ headers: { 'content-length': '4999' } }), want: true },
  { args: [0, 5000], req: req({ headers: { 'content-length': '5000' } }), want: false },
  { args: [0, 10], req: req(), want: true, name: 'a request without body has length 0' },
  { args: [0, 10], req: req({ headers: { 'transfer-encoding': 'chunked' } }), want: false, name: 'a chunked request has unknown length' },
  { args: [10, 20], req: req({ headers: { 'content-length': '9' } }), want: false },
], [[0], [-1, 5], [5, 5], [6, 5], ['0', 5]]);

predicateSuite(forwardedHostSpec, [
  { args: ['^example\\.com$'], req: req({ headers: { forwarded: 'for=1.2.3.4;host=example.com;proto=https' } }), want: true },
  { args: ['^example\\.com$'], req: req({ headers: { forwarded: 'host="example.com"' } }), want: true },
  { args: ['^example\\.com$'], req: req({ headers: { forwarded: 'host=a.com, host=example.com' } }), want: true, name: 'the last Forwarded element wins' },
  { args: ['^example\\.com$'], req: req({ headers: { forwarded: 'host=other.com' } }), want: false },
  { args: ['.*'], req: req(), want: false },
], [[], [''], ['('], [1]]);

predicateSuite(forwardedProtocolSpec, [
  { args: ['https'], req: req({ headers: { forwarded: 'proto=https' } }), want: true },
  { args: ['http'], req: req({ headers: { forwarded: 'proto=https' } }), want: false },
  { args: ['http'], req: req(), want: false },
], [[], ['ftp'], ['HTTP'], [1]]);
