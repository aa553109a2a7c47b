import { createHash } from 'node:crypto';
import { methodSpec } from '../../src/predicates/method.ts';
import { methodsSpec } from '../../src/predicates/methods.ts';
import { headerSpec } from '../../src/predicates/header.ts';
import { headerRegexpSpec } from '../../src/predicates/header-regexp.ts';
import { headerSHA256Spec } from '../../src/predicates/header-sha256.ts';
import { predicateSuite, req } from './helpers.ts';

predicateSuite(methodSpec, [
  { args: ['GET'], req: req({ method: 'GET' }), want: true },
  { args: ['POST'], req: req({ method: 'GET' }), want: false },
  { args: ['get'], req: req({ method: 'GET' }), want: false, name: 'Method compares case-sensitively' },
], [[], [1], ['GET', 'POST']]);

predicateSuite(methodsSpec, [
  { args: ['GET', 'post'], req: req({ method: 'POST' }), want: true },
  { args: ['OPTIONS', 'patch'], req: req({ method: 'PATCH' }), want: true },
  { args: ['GET'], req: req({ method: 'DELETE' }), want: false },
], [[], ['FOO'], [1]]);

predicateSuite(headerSpec, [
  { args: ['X-Forwarded-For', '192.168.0.2'], req: req({ headers: { 'x-forwarded-for': '192.168.0.2' } }), want: true },
  { args: ['Accept', 'application/json'], req: req({ headers: { accept: ['text/html', 'application/json'] } }), want: true },
  { args: ['Accept', 'application/json'], req: req({ headers: { accept: 'application/json; q=1' } }), want: false },
  { args: ['Accept', 'x'], req: req(), want: false },
  { args: ['constructor', 'x'], req: req(), want: false, name: 'inherited object properties are not headers' },
], [[], ['a'], ['a', 1], ['a', 'b', 'c']]);

predicateSuite(headerRegexpSpec, [
  { args: ['Accept', 'application/(json|xml)'], req: req({ headers: { accept: 'text/application/xml' } }), want: true },
  { args: ['Accept', '^application/(json|xml)$'], req: req({ headers: { accept: 'text/html' } }), want: false },
  { args: ['X', '.*'], req: req(), want: false, name: 'HeaderRegexp needs the header to be present' },
  { args: ['toString', '.*'], req: req(), want: false, name: 'HeaderRegexp ignores inherited object properties' },
], [['a'], ['a', '('], [1, 'x']]);

const secret = 'my-secret';
const hash = createHash('sha256').update(secret).digest('hex');
predicateSuite(headerSHA256Spec, [
  { args: ['X-Secret', hash], req: req({ headers: { 'x-secret': secret } }), want: true },
  { args: ['X-Secret', '0'.repeat(64), hash.toUpperCase()], req: req({ headers: { 'x-secret': secret } }), want: true },
  { args: ['X-Secret', hash], req: req({ headers: { 'x-secret': 'other' } }), want: false },
  { args: ['X-Secret', hash], req: req(), want: false },
], [['X-Secret'], ['X-Secret', 'abc'], ['X-Secret', 'zz'.repeat(32)], [1, hash]]);
