import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteDef } from '../../src/eskip/index.ts';
import { defaultFiltersPreprocessor, withDefaultFilters } from '../../src/routing/default-filters.ts';
import { preprocess, RoutePipeline, routeLog, type BuiltTable, type RoutePreprocessor } from '../../src/routing/pipeline.ts';
import { parseRouteChange, routeChangesPreprocessor } from '../../src/routing/route-changes.ts';
import type { RouteTable } from '../../src/routing/types.ts';

const def = (id: string, filters: string[] = []): RouteDef =>
  ({ id, predicates: [], filters: filters.map((name) => ({ name, args: [] })), backendType: 'shunt' });

test('default filters wrap each definition once, so unchanged routes keep their identity', () => {
  const d = { prepend: [{ name: 'a', args: [] }], append: [{ name: 'z', args: [1] }] };
  const r = def('r', ['m']);
  const first = withDefaultFilters(r, d);
  assert.deepEqual(first.filters.map((f) => f.name), ['a', 'm', 'z']);
  assert.equal(withDefaultFilters(r, d), first);
  assert.notEqual(withDefaultFilters({ ...r }, d), first);
  assert.equal(withDefaultFilters(r, undefined), r);
  assert.equal(defaultFiltersPreprocessor({ prepend: [], append: [] }), null);
});

test('pre-processors run in the order listed: default filters, then clones, then edits (Skipper order)', () => {
  const pre = [
    defaultFiltersPreprocessor({ prepend: [{ name: 'status', args: [200] }], append: [] }),
    routeChangesPreprocessor({ clone: [parseRouteChange('/status/inlineContent/')], edit: [parseRouteChange('/200/201/')] }),
  ].filter((p): p is RoutePreprocessor => p !== null);
  const out = preprocess(pre, [def('r1')]);
  assert.deepEqual(out.map((d) => d.id), ['r1', 'clone_r1']);
  assert.deepEqual(out.map((d) => `${d.filters[0]!.name}(${d.filters[0]!.args.join()})`), ['status(201)', 'inlineContent(201)']);
});

test('apply: pre-processes, compiles, swaps, then tells every post-processor in order', async () => {
  const events: string[] = [];
  const table = { generation: 3, routes: [], invalid: [] } as unknown as RouteTable;
  const seen: BuiltTable[] = [];
  const p = new RoutePipeline({
    pre: [{ name: 'tag', process: (defs) => defs.map((d) => ({ ...d, id: `${d.id}!` })) }],
    compile: (defs, g) => {
      events.push(`compile ${defs.map((d) => d.id).join()} ${g}`);
      return table;
    },
    swap: (t) => events.push(`swap ${t === table}`),
    post: [
      { name: 'one', built: (b) => (events.push('post one'), seen.push(b)) },
      { name: 'two', built: () => events.push('post two') },
    ],
  });
  assert.equal(await p.apply([def('a')], 3), table);
  assert.deepEqual(events, ['compile a! 3', 'swap true', 'post one', 'post two']);
  assert.equal(seen[0]!.generation, 3);
  assert.deepEqual(seen[0]!.defs.map((d) => d.id), ['a!']);
  assert.equal(p.table, table);
});

test('routeLog warns about an invalid route once, not on every build', () => {
  const warned: string[] = [];
  const log = routeLog({ info: () => {}, warn: (m) => warned.push(m) });
  const inv = { id: 'bad', reason: 'unknown_filter', message: 'nope' };
  const t = { routes: [], invalid: [inv] } as unknown as RouteTable;
  log.built({ table: t, generation: 1, defs: [], seconds: 0 });
  log.built({ table: t, generation: 2, defs: [], seconds: 0 });
  assert.equal(warned.length, 1);
  assert.match(warned[0]!, /invalid route "bad" \(unknown_filter\): nope/);
});
