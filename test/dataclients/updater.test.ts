import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteUpdater } from '../../src/dataclients/updater.ts';
import { createInlineSource } from '../../src/dataclients/inline.ts';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { manualSource } from '../support/manual-source.ts';

function route(id: string): RouteDef {
  return { id, predicates: [], filters: [{ name: 'own', args: [] }], backendType: 'shunt' };
}


test('merges sources in order, leaves the definitions to the pipeline, builds once at start', async () => {
  const a = manualSource('a', [route('a1')]);
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
  const a = manualSource('a', [route('a1')]);
  const b = manualSource('b', [route('b1')]);
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
  const u = new RouteUpdater({ sources: [createInlineSource('x: * -> <shunt>;', 8)], build: () => assert.fail('no build'), onSourceError: () => {} });
  await assert.rejects(u.start(), /inline-routes: 16 bytes exceed -max-route-source-bytes=8/);
});

test('a broken inline route is reported and the others are built', async () => {
  const reported: string[] = [];
  let built: string[] = [];
  const u = new RouteUpdater({
    sources: [createInlineSource('x: * ->; y: * -> <shunt>;')],
    build: (defs) => { built = defs.map((d) => d.id); },
    onSourceError: () => {},
    onSourceRouteErrors: (_s, errors) => reported.push(...errors.map((e) => e.message)),
  });
  await u.start();
  assert.deepEqual(built, ['y']);
  assert.match(reported[0]!, /^inline-routes:1:\d+: /);
});

test('-max-routes: a source or merged list beyond the bound is refused naming the source and the count; the last good list stays', async () => {
  const big = (prefix: string, n: number): RouteDef[] => Array.from({ length: n }, (_, i) => route(`${prefix}${i}`));
  await assert.rejects(new RouteUpdater({ sources: [manualSource('a', big('a', 4))], build: () => assert.fail('no build'), onSourceError: () => {}, maxRoutes: 3 }).start(),
    /route source a: 4 routes exceed -max-routes=3; not loaded/);
  await assert.rejects(new RouteUpdater({ sources: [manualSource('a', big('a', 2)), manualSource('b', big('b', 2))], build: () => assert.fail('no build'), onSourceError: () => {}, maxRoutes: 3 }).start(),
    /route table: 4 routes from all sources \(a 2, b 2\) exceed -max-routes=3; not built/);

  const a = manualSource('a', big('a', 2));
  const b = manualSource('b', big('b', 1));
  const builds: string[][] = [];
  const errors: string[] = [];
  const u = new RouteUpdater({
    sources: [a, b], maxRoutes: 3,
    build: (defs) => builds.push(defs.map((d) => d.id)),
    onSourceError: (s, err) => errors.push(`${s.name}: ${err.message}`),
    onGenerationRefused: (err) => errors.push(err.message),
  });
  await u.start();
  a.push({ routes: big('x', 4) });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(errors, ['a: route source a: 4 routes exceed -max-routes=3; keeping its last good routes']);
  a.push({ routes: big('y', 3) });
  await new Promise((r) => setImmediate(r));
  assert.match(errors[1]!, /route table: 4 routes from all sources \(a 3, b 1\) exceed -max-routes=3; keeping generation 1/);
  assert.deepEqual(builds, [['a0', 'a1', 'b0']]);
  b.push({ routes: [] });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(builds[1], ['y0', 'y1', 'y2']);
  assert.equal(u.generation, 2);
});
