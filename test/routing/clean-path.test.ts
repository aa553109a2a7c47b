/** cleanPath's fast check (needsCleaning) is exactly the five substring tests it replaced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cleanPath, needsCleaning } from '../../src/routing/path-pattern.ts';

const reference = (p: string) => p.includes('//') || p.includes('/./') || p.includes('/../') || p.endsWith('/.') || p.endsWith('/..');

test('needsCleaning agrees with the substring definition on paths made of slashes, dots and letters', () => {
  const path = fc.array(fc.constantFrom('/', '.', 'a', '..', '/.', '//'), { maxLength: 12 }).map((xs) => xs.join(''));
  fc.assert(fc.property(path, (p) => {
    assert.equal(needsCleaning(p), reference(p), JSON.stringify(p));
    if (p.startsWith('/') && !reference(p)) assert.equal(cleanPath(p), p);
  }), { numRuns: 5_000 });
  for (const p of ['/', '/.', '/..', '/a/.', '/a/..', '/a./b', '/.a', '/..a/', '/a//b', '/a/./b', '/a/../b', 'a/.', '/...']) {
    assert.equal(needsCleaning(p), reference(p), p);
  }
});
