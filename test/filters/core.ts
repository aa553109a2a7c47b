/** Looks up core filter specs by name for the core filter tests. */
import assert from 'node:assert/strict';
import type { Arg } from '../../src/eskip/ast.ts';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';

const registry = builtinFilters();
const coreFilters = registry.names().map((n) => registry.get(n)!);

/** Creates an instance of the named core filter; fails the test when it is not registered. */
export function make(name: string, ...args: Arg[]): FilterInstance {
  const s = coreFilters.find((f) => f.name === name);
  assert.ok(s, `filter ${name} is registered`);
  return s.create(args);
}

/** Asserts that every listed call is rejected at build time with InvalidArgsError. */
export function assertRejects(calls: [string, Arg[]][]): void {
  for (const [name, args] of calls) {
    assert.throws(() => make(name, ...args), (e: Error) => e.name === 'InvalidArgsError',
      `${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) must be rejected`);
  }
}
