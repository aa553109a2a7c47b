import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgsError } from '../../src/errors.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { shutdownSpec } from '../../src/predicates/shutdown.ts';
import { req } from './helpers.ts';

test('Shutdown() matches while the process is shutting down', () => {
  assert.equal(shutdownSpec(() => true).create([]).match(req()), true);
});

test('Shutdown() does not match while the process is running', () => {
  assert.equal(shutdownSpec(() => false).create([]).match(req()), false);
});

test('Shutdown() built before the shutdown starts matching once it begins', () => {
  let down = false;
  const m = shutdownSpec(() => down).create([]);
  assert.equal(m.match(req()), false);
  down = true;
  assert.equal(m.match(req()), true);
});

test('Shutdown takes no arguments', () => {
  assert.throws(() => shutdownSpec(() => false).create(['now']), (e: unknown) => e instanceof InvalidArgsError && /Shutdown: expected 0/.test(e.message));
});

test('builtinPredicates: Shutdown is false by default and follows env.shuttingDown', () => {
  assert.equal(builtinPredicates().get('Shutdown')!.create([]).match(req()), false);
  assert.equal(builtinPredicates({ shuttingDown: () => true }).get('Shutdown')!.create([]).match(req()), true);
});
