import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgsError } from '../../src/errors.ts';
import { compileRegexp, translateRe2 } from '../../src/regexp/regexp.ts';

test('RE2 spellings are translated', () => {
  assert.ok(compileRegexp('T', '(?i)^abc$').test('ABC'));
  assert.ok(compileRegexp('T', '^(?P<x>a+)b$').test('aab'));
  assert.ok(compileRegexp('T', '^[[:digit:]]+\\z').test('123'));
  assert.ok(!compileRegexp('T', '^[[:digit:]]+\\z').test('123\n'));
  assert.ok(compileRegexp('T', '^\\Qa.b\\E$').test('a.b'));
  assert.ok(!compileRegexp('T', '^\\Qa.b\\E$').test('axb'));
  assert.deepEqual(translateRe2('(?s)a.b'), { source: 'a.b', flags: 's' });
  assert.ok(compileRegexp('T', '^(?i:a)b$').test('Ab'));
});

test('JavaScript-only syntax that RE2 rejects is refused', () => {
  for (const p of ['(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', 'a(?i)b', '**', '(']) {
    assert.throws(() => compileRegexp('Host', p), (e: unknown) => e instanceof InvalidArgsError && e.message.startsWith('Host:'), p);
  }
});
