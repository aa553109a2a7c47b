import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes } from '../src/errors.ts';

test('the error catalogue and docs/reference/errors.md list the same codes', () => {
  const doc = readFileSync(join(import.meta.dirname, '../docs/reference/errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(SKJ_ERR_[A-Z_]+)`/gm)].map((m) => m[1]!));
  const catalogued = new Set(Object.keys(ErrorCodes));
  assert.deepEqual([...catalogued].filter((c) => !documented.has(c)), [], 'codes missing from the docs');
  assert.deepEqual([...documented].filter((c) => !catalogued.has(c)), [], 'documented codes not in the catalogue');
  for (const [k, v] of Object.entries(ErrorCodes)) assert.equal(k, v);
});
