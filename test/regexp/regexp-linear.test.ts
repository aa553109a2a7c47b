/**
 * Route expressions run in linear time: V8's engine only for the structurally safe class, RE2 (re2js) for
 * the rest. The safe class is checked against known catastrophic shapes; both engines must agree on what
 * they match, so the choice of engine is invisible to routes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { compileRegexp, linearRegexp } from '../../src/regexp/regexp.ts';
import { Re2RegExp } from '../../src/regexp/re2-regexp.ts';

test('catastrophic shapes never run on the backtracking engine', () => {
  const hostile = [
    '^(a+){2,100}$', '^/(a+)+$', '(a|aa)*b', '^(a|a)*$', '[0-9]+x', '^.*x[^y]*y', '^a*a+$', '^a|b+',
    '^(.*)*$', '^(a*)*$', '.*.*=', '^.*.*=', '^(\\w+\\s?)*$', '(?m)^a+a+$', '^a+?a+$', '^[a-z]+((-[a-z0-9]+)?)*$',
    '^(?:a|b)+$', '^\\d*\\d+$', '^x(a|ab)*y$',
  ];
  for (const p of hostile) assert.ok(linearRegexp(p) instanceof Re2RegExp, p);
});

test('common route expressions keep V8 speed', () => {
  const ordinary = [
    '^/api/v[0-9]+/users/[^/]+$', '^/(static|assets)/.*\\.(js|css|png)$', '^[a-z0-9-]+[.]example[.]org(:[0-9]+)?$',
    'Mozilla', '\\.(js|css)$', '^/api/.*', '(?i)^/login$', '^Bearer [A-Za-z0-9._-]+$',
  ];
  for (const p of ordinary) assert.ok(!(linearRegexp(p) instanceof Re2RegExp), p);
});

test('a catastrophic expression answers at once on RE2', () => {
  // ^(a+){2,100}$ against 30 a's and a "!" took 3.2 s with V8's backtracking fallback.
  assert.equal(compileRegexp('HeaderRegexp', '^(a+){2,100}$').test(`${'a'.repeat(30)}!`), false);
  assert.equal(compileRegexp('HeaderRegexp', '^(a+){2,100}$').test('a'.repeat(30)), true);
});

test('RE2-only syntax is accepted and means what it means in Go', () => {
  assert.ok(compileRegexp('T', 'a(?i)b').test('aB'));
  assert.ok(!compileRegexp('T', 'a(?i)b').test('AB'));
  assert.equal('aaa'.replace(linearRegexp('(?U)a+', true), 'x'), 'xxx');
  assert.ok(compileRegexp('T', '^[[:^alpha:]]+$').test('123'));
});

test('replace-all on RE2 follows the RegExp protocol: ^ anchors once, empty matches advance, groups expand', () => {
  const rx = new Re2RegExp('^/foo', 'g');
  assert.equal('/foo/foo'.replace(rx, 'X'), 'X/foo');
  assert.equal('abc'.replace(new Re2RegExp('', 'g'), '-'), '-a-b-c-');
  const named = [...'a1b22'.matchAll(new Re2RegExp('(?P<d>[0-9]+)', 'g'))].map((m) => [m[0], m.index, m.groups?.d]);
  assert.deepEqual(named, [['1', 1, '1'], ['22', 3, '22']]);
  assert.equal('/x/a(b'.replace(new Re2RegExp('(a)(\\()?', 'g'), (_m, a: string, p?: string) => `${a}${p ?? '-'}`), '/x/a(b');
});

/** Small expressions from the constructs the safe class reasons about. */
const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  atom: fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', 'x', '[a-c]'),
  item: fc.oneof(
    { weight: 4, arbitrary: fc.tuple(tie('atom') as fc.Arbitrary<string>, fc.constantFrom('', '', '*', '+', '?', '{1,3}', '{2}')).map(([a, q]) => a + q) },
    { weight: 1, arbitrary: fc.tuple(fc.array(tie('seq') as fc.Arbitrary<string>, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '?', '*')).map(([bs, q]) => `(${bs.join('|')})${q}`) },
  ),
  seq: fc.array(tie('item') as fc.Arbitrary<string>, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
  top: fc.tuple(fc.boolean(), tie('seq') as fc.Arbitrary<string>, fc.boolean()).map(([a, s, z]) => `${a ? '^' : ''}${s}${z ? '$' : ''}`),
})).top;

test('V8 and RE2 agree on what every safe expression matches', () => {
  fc.assert(fc.property(expr, fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'x', '1', 'c', '\n'), maxLength: 12 }), { minLength: 1, maxLength: 8 }), (p, inputs) => {
    const rx = linearRegexp(p);
    const re2 = RE2JS.compile(p);
    for (const s of inputs) assert.equal(rx.test(s), re2.test(s), `${p} on ${JSON.stringify(s)} (${rx instanceof Re2RegExp ? 're2' : 'v8'})`);
  }), { numRuns: 400 });
});
