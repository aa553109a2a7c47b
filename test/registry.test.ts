import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../src/registry.ts';

test('registry refuses duplicate names', () => {
  const r = new Registry<{ name: string }>('filter', [{ name: 'a' }]);
  assert.throws(() => r.register({ name: 'a' }), /duplicate filter name: a/);
  assert.equal(r.get('a')?.name, 'a');
  assert.equal(r.get('b'), undefined);
});
