import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteUpdater } from '../../src/dataclients/updater.ts';
import { createInlineSource } from '../../src/dataclients/inline.ts';
import type { RouteDef } from '../../src/eskip/ast.ts';
import type { RouteSource, RouteSourceUpdate } from '../../src/dataclients/types.ts';

function route(id: string): RouteDef {
  return { id, predicates: [], filters: [{ name: 'own', args: [] }], backendType: 'shunt' };
}

function manual(name: string, first: RouteDef[]): RouteSource & { push(u: RouteSourceUpdate): void } {
  let push: (u: RouteSourceUpdate) => void = () => {};
  return {
    name,
    async start(onUpdate) {
      push = onUpdate;
      onUpdate({ routes: first });
    },
    async stop() {},
    push: (u) => push(u),
  };
}

test('merges sources in order, leaves the definitions to the pipeline, builds once at start', async () => {
  const a = manual('a', [route('a1')]);
  const builds: { defs: RouteDef[]; generation: number }[] = [];
  const u = new RouteUpdater({
    sources: [a, createInlineSource('i1: * -> <shunt>;')],
    build: (defs, generation) => builds.push({ defs, generation }),
    onSourceError: () => assert.fail('no error expected'),
  });
  await u.start();
  assert.equal(builds.length, 1);
  assert.equal(builds[0]!.generation, 1);
  assert.deepEqual(builds[0]!.defs.map((d) => d.id), ['a1', 'i1']);
  assert.deepEqual(builds[0]!.defs[0]!.filters.map((f) => f.name), ['own']);
  assert.deepEqual(builds[0]!.defs[1]!.filters.map((f) => f.name), []);
});

test('a burst of updates coalesces into one build with the latest lists', async () => {
  const a = manual('a', [route('a1')]);
  const b = manual('b', [route('b1')]);
  const builds: string[][] = [];
  const u = new RouteUpdater({ sources: [a, b], build: (defs) => builds.push(defs.map((d) => d.id)), onSourceError: () => {} });
  await u.start();
  a.push({ routes: [route('a2')] });
  b.push({ routes: [route('b2')] });
  a.push({ routes: [route('a3')] });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(builds, [['a1', 'b1'], ['a3', 'b2']]);
  assert.equal(u.generation, 2);
});

test('a source failing at start rejects start', async () => {
  const u = new RouteUpdater({ sources: [createInlineSource('x: * ->')], build: () => assert.fail('no build'), onSourceError: () => {} });
  await assert.rejects(u.start(), /inline-routes:1:\d+/);
});
