import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgsError } from '../../src/errors.ts';
import {
  argCount, durationArg, goReplacement, headerNameArg, numberArg, regexpArg, statusArg, stringArg,
} from '../../src/filters/args.ts';

test('argument helpers reject bad arguments with InvalidArgsError naming the filter', () => {
  assert.throws(() => argCount('f', [1], 2), (e: unknown) => e instanceof InvalidArgsError && /f: expected 2/.test(e.message));
  assert.throws(() => argCount('f', [1, 2, 3], 1, 2), /f: expected 1 to 2 arguments, got 3/);
  assert.throws(() => stringArg('f', [1], 0), /f: argument 1 must be a string, got 1/);
  assert.throws(() => numberArg('f', ['x'], 0), /must be a number/);
  assert.throws(() => statusArg('f', [99], 0), /status code/);
  assert.throws(() => statusArg('f', [200.5], 0), /status code/);
  assert.throws(() => statusArg('f', [600], 0), /status code/);
  assert.throws(() => headerNameArg('f', ['bad header'], 0), /invalid header name/);
  assert.throws(() => durationArg('f', ['10'], 0), /invalid duration/);
  assert.throws(() => regexpArg('f', ['('], 0), /invalid regular expression/);
  assert.equal(statusArg('f', [404], 0), 404);
  assert.equal(headerNameArg('f', ['X-Foo'], 0), 'x-foo');
  assert.equal(durationArg('f', ['1m30s'], 0), 90_000);
  assert.equal(regexpArg('f', ['(?i)^abc$'], 0).test('ABC'), true);
});

test('goReplacement follows Go Regexp.Expand', () => {
  const rep = (rx: RegExp, s: string, t: string) => s.replace(rx, goReplacement(t));
  assert.equal(rep(/^zalando\.(\w+)$/g, 'zalando.de', 'www.zalando.$1'), 'www.zalando.de');
  assert.equal(rep(/(a)(b)/g, 'ab', '${2}${1}'), 'ba');
  assert.equal(rep(/(a)/g, 'a', '$1x'), ''); // Go reads "$1x" as the group named "1x"
  assert.equal(rep(/(?<n>a)/g, 'a', '[$n]'), '[a]');
  assert.equal(rep(/a/g, 'a', '$$'), '$');
  assert.equal(rep(/a/g, 'a', '$9'), '');
  assert.equal(rep(/a/g, 'aa', 'b'), 'bb');
});
