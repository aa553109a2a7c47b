import { jwtPayloadAnyKVSpec } from '../../src/predicates/jwt-payload-any-kv.ts';
import { jwtPayloadAllKVSpec } from '../../src/predicates/jwt-payload-all-kv.ts';
import { jwtPayloadAnyKVRegexpSpec } from '../../src/predicates/jwt-payload-any-kv-regexp.ts';
import { jwtPayloadAllKVRegexpSpec } from '../../src/predicates/jwt-payload-all-kv-regexp.ts';
import { predicateSuite, req } from './helpers.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (claims: unknown) => `Bearer ${b64({ alg: 'none' })}.${b64(claims)}.sig`;
const google = req({ headers: { authorization: token({ iss: 'https://accounts.google.com', email: 'skipper-router@googlegroups.com', n: 1 }) } });
const other = req({ headers: { authorization: token({ iss: 'https://other', email: 'skipper-router@googlegroups.com' }) } });
const invalid = [[], ['iss'], ['iss', 1], [1, 'x'], ['a', 'b', 'c']];

predicateSuite(jwtPayloadAnyKVSpec, [
  { args: ['iss', 'https://accounts.google.com'], req: google, want: true },
  { args: ['iss', 'https://accounts.google.com', 'email', 'skipper-router@googlegroups.com'], req: other, want: true },
  { args: ['iss', 'https://accounts.google.com'], req: other, want: false },
  { args: ['n', '1'], req: google, want: false, name: 'only string claims match' },
  { args: ['iss', 'https://accounts.google.com'], req: req({ headers: { authorization: 'Basic abc' } }), want: false },
  { args: ['iss', 'https://accounts.google.com'], req: req({ headers: { authorization: 'Bearer a.b' } }), want: false, name: 'a token needs three parts' },
], invalid);

predicateSuite(jwtPayloadAllKVSpec, [
  { args: ['iss', 'https://accounts.google.com', 'email', 'skipper-router@googlegroups.com'], req: google, want: true },
  { args: ['iss', 'https://accounts.google.com', 'email', 'skipper-router@googlegroups.com'], req: other, want: false },
  { args: ['iss', 'https://accounts.google.com'], req: req(), want: false },
], invalid);

predicateSuite(jwtPayloadAnyKVRegexpSpec, [
  { args: ['iss', '^https://accounts'], req: google, want: true },
  { args: ['iss', '^http://'], req: google, want: false },
], [...invalid, ['iss', '(']]);

predicateSuite(jwtPayloadAllKVRegexpSpec, [
  { args: ['iss', '^https://', 'email', '@googlegroups\\.com$'], req: other, want: true },
  { args: ['iss', '^https://accounts', 'email', '@googlegroups\\.com$'], req: other, want: false },
], [...invalid, ['iss', '(']]);
