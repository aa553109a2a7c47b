import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieSpec } from '../../src/predicates/cookie.ts';
import { queryParamSpec } from '../../src/predicates/query-param.ts';
import { predicateSuite, req } from './helpers.ts';

predicateSuite(cookieSpec, [
  { args: ['alpha', '^enabled$'], req: req({ headers: { cookie: 'beta=1; alpha=enabled' } }), want: true },
  { args: ['alpha', '^enabled$'], req: req({ headers: { cookie: 'alpha="enabled"' } }), want: true, name: 'quoted cookie values are unquoted' },
  { args: ['alpha', '^enabled$'], req: req({ headers: { cookie: 'alpha=disabled' } }), want: false },
  { args: ['alpha', '^enabled$'], req: req({ headers: { cookie: 'alpha=x; alpha=enabled' } }), want: false, name: 'the first cookie of a name wins' },
  { args: ['alpha', '.*'], req: req(), want: false },
], [['alpha'], ['alpha', 1], ['alpha', '(']]);

predicateSuite(queryParamSpec, [
  { args: ['query'], req: req({ rawQuery: 'bb=a&query=withvalue' }), want: true },
  { args: ['query'], req: req({ rawQuery: 'bb=a&query=' }), want: true },
  { args: ['query'], req: req({ rawQuery: 'bb=a' }), want: false },
  { args: ['query', '^example$'], req: req({ rawQuery: 'query=testing&query=example' }), want: true },
  { args: ['query', '^ex ample$'], req: req({ rawQuery: 'query=ex+ample' }), want: true, name: 'query values are decoded' },
  { args: ['query', '^example$'], req: req({ rawQuery: 'query=examples' }), want: false },
], [[], ['a', 'b', 'c'], [1], ['a', '(']]);

test('cookies and query are parsed once and kept on the request', () => {
  const r = req({ headers: { cookie: 'a=1' }, rawQuery: 'q=1' });
  cookieSpec.create(['a', '1']).match(r);
  queryParamSpec.create(['q']).match(r);
  const c = r.cookies;
  const q = r.query;
  assert.ok(c instanceof Map && q instanceof URLSearchParams);
  cookieSpec.create(['a', '1']).match(r);
  queryParamSpec.create(['q']).match(r);
  assert.equal(r.cookies, c);
  assert.equal(r.query, q);
});
