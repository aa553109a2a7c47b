import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { comparedFields, sameRouteDef } from '../../src/routing/route-equality.ts';

/** The field names of `interface name { … }` in src/eskip/ast.ts. */
function fieldsOf(name: string): string[] {
  const src = readFileSync(new URL('../../src/eskip/ast.ts', import.meta.url), 'utf8');
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(src)?.[1];
  assert.ok(body !== undefined, `interface ${name} not found in ast.ts`);
  return [...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]!).sort();
}

for (const [name, fields] of Object.entries(comparedFields)) {
  test(`route equality compares every field of ${name} in src/eskip/ast.ts`, () => {
    assert.deepEqual([...fields].sort(), fieldsOf(name), `update src/routing/route-equality.ts for the fields of ${name}`);
  });
}

const base: RouteDef = {
  id: 'a', predicates: [{ name: 'Path', args: ['/a'] }, { name: 'Weight', args: [2] }], filters: [{ name: 'setPath', args: ['/x'] }],
  backendType: 'lb', lbAlgorithm: 'random', lbEndpoints: [{ address: 'http://a:1', zone: 'z1' }], namespace: 'ns', name: 'ing', pos: { file: 'f', line: 1, col: 1 },
};

test('sameRouteDef: a deep copy is the same route', () => {
  assert.equal(sameRouteDef(base, structuredClone(base)), true);
  const { name: _, ...withoutName } = base;
  assert.equal(sameRouteDef({ ...withoutName, name: undefined }, withoutName), true, 'an undefined field counts as absent');
});

const changes: [string, Partial<RouteDef>][] = [
  ['id', { id: 'b' }],
  ['predicate argument', { predicates: [{ name: 'Path', args: ['/b'] }, { name: 'Weight', args: [2] }] }],
  ['predicate argument type', { predicates: [{ name: 'Path', args: ['/a'] }, { name: 'Weight', args: ['2'] }] }],
  ['predicate order', { predicates: [{ name: 'Weight', args: [2] }, { name: 'Path', args: ['/a'] }] }],
  ['one more predicate', { predicates: [{ name: 'Path', args: ['/a'] }, { name: 'Weight', args: [2] }, { name: 'True', args: [] }] }],
  ['filter name', { filters: [{ name: 'modPath', args: ['/x'] }] }],
  ['no filters', { filters: [] }],
  ['backend type', { backendType: 'shunt' }],
  ['backend', { backend: 'http://b' }],
  ['algorithm', { lbAlgorithm: 'roundRobin' }],
  ['endpoint zone', { lbEndpoints: [{ address: 'http://a:1', zone: 'z2' }] }],
  ['endpoint without zone', { lbEndpoints: [{ address: 'http://a:1' }] }],
  ['endpoint address', { lbEndpoints: [{ address: 'http://a:2', zone: 'z1' }] }],
  ['namespace', { namespace: 'other' }],
  ['name', { name: undefined }],
  ['position', { pos: { file: 'f', line: 2, col: 1 } }],
  ['file', { pos: { file: 'g', line: 1, col: 1 } }],
  ['no position', { pos: undefined }],
];
for (const [what, change] of changes) {
  test(`sameRouteDef: a different ${what} is a different route`, () => {
    assert.equal(sameRouteDef(base, { ...structuredClone(base), ...change }), false);
    assert.equal(sameRouteDef({ ...structuredClone(base), ...change }, base), false);
  });
}

test('sameRouteDef: -0 and 0 differ (they print differently), NaN equals NaN', () => {
  const w = (x: number): RouteDef => ({ ...base, predicates: [{ name: 'Weight', args: [x] }] });
  assert.equal(sameRouteDef(w(0), w(-0)), false);
  assert.equal(sameRouteDef(w(NaN), w(NaN)), true);
});
