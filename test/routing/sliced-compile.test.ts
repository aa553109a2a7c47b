/**
 * The sliced build (compileRoutesSliced, the route pipeline): it returns to the event loop while it works,
 * gives the table a one-piece build gives, and the pipeline runs one build at a time, latest list winning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type RouteDef } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes, compileRoutesSliced, incrementalCompiler } from '../../src/routing/compile.ts';
import { RoutePipeline } from '../../src/routing/pipeline.ts';
import type { RouteTable, RoutingRequest } from '../../src/routing/types.ts';

const opts = { predicates: builtinPredicates(), filters: builtinFilters() };

/** n routes over n/10 hostnames: Host, Path or PathSubtree with wildcards, some Method/Header/PathRegexp, filters. */
function routes(n: number, tag = ''): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const h = i % Math.max(1, Math.floor(n / 10));
    const host = `Host("^(app${h}[.]example[.]org[.]?(:[0-9]+)?)$")`;
    const path = [`Path("/api/v${i % 3}/x${i % 17}/:id")`, `PathSubtree("/s${i % 23}")`, `Path("/w${i % 11}/:a/*rest") && Header("X-C", "1")`,
      `PathSubtree("/") && PathRegexp("^/r${i % 5}/")`, `Path("/m/${i % 7}") && Method("POST")`][i % 5];
    out.push(`r${i}: ${host} && ${path} -> setRequestHeader("X-App", "app${h}") -> setResponseHeader("X-R", "r${i}${tag}") -> <shunt>;`);
  }
  return out.join('\n');
}

function requests(n: number): RoutingRequest[] {
  const out: RoutingRequest[] = [];
  for (let i = 0; i < n; i += 7) {
    const h = i % Math.max(1, Math.floor(n / 10));
    const path = [`/api/v${i % 3}/x${i % 17}/${i}`, `/s${i % 23}/deep/${i}`, `/w${i % 11}/a/b/c`, `/r${i % 5}/q`, `/m/${i % 7}`, '/nothing'][i % 6]!;
    out.push({ method: i % 2 === 0 ? 'POST' : 'GET', host: i % 9 === 0 ? 'other.org' : `app${h}.example.org`, path, rawQuery: '', headers: { 'x-c': '1' }, remoteAddress: '10.0.0.1' });
  }
  return out;
}

/** What a table decides for each request: route id and wildcard values. */
function decisions(t: RouteTable, reqs: readonly RoutingRequest[]): string[] {
  return reqs.map((r) => {
    const m = t.lookup(r);
    return m === null ? '-' : `${m.route.id} ${JSON.stringify(m.params)}`;
  });
}

function same(a: RouteTable, b: RouteTable, reqs: readonly RoutingRequest[]): void {
  assert.deepEqual(a.routes.map((r) => r.id), b.routes.map((r) => r.id));
  assert.deepEqual(a.invalid.map((i) => `${i.id} ${i.reason}`), b.invalid.map((i) => `${i.id} ${i.reason}`));
  assert.deepEqual(decisions(a, reqs), decisions(b, reqs));
}

test('a sliced build hands the event loop back while it works: a timer set before it runs before it ends', async () => {
  const defs = parse(routes(20_000));
  let yields = 0;
  let timerRan = false;
  let timerRanBeforeEnd = false;
  setTimeout(() => (timerRan = true), 0);
  const t = await compileRoutesSliced(defs, { ...opts, sliceMs: 0, onYield: () => yields++ }).then((table) => {
    timerRanBeforeEnd = timerRan;
    return table;
  });
  assert.equal(t.routes.length, 20_000);
  assert.ok(yields > 20_000 / 256, `yielded ${yields} times`);
  assert.ok(timerRanBeforeEnd, 'the timer ran while the table was being built');
});

test('a sliced build gives the table a one-piece build gives, also with invalid and duplicate routes', async () => {
  const text = `${routes(3_000)}\nbad1: Path("/x") -> noSuchFilter() -> <shunt>;\nr5: Path("/dup") -> <shunt>;\nbad2: Path("/a") && PathSubtree("/b") -> <shunt>;`;
  const defs = parse(text);
  const reqs = requests(3_000);
  same(await compileRoutesSliced(defs, { ...opts, sliceMs: 0 }), compileRoutes(defs, opts), reqs);
});

test('incremental: a sliced build from the previous generation keeps unchanged routes and decides as a full build', async () => {
  const n = 3_000;
  const first = parse(routes(n));
  const changed = first.slice();
  // One route changed, one removed, one added.
  changed[10] = parse(`r10: Path("/changed") -> <shunt>;`)[0]!;
  changed.splice(20, 1);
  changed.push(parse(`added: Host("^app1[.]example[.]org$") && Path("/added") -> <shunt>;`)[0]!);
  const sliced = incrementalCompiler(opts);
  const t1 = await sliced.sliced!(first, 1);
  const t2 = await sliced.sliced!(changed, 2);
  const stats = (t2 as unknown as { stats: { reused: number; compiled: number; tree: string } }).stats;
  assert.equal(stats.compiled, 2, 'only the changed and the added route were compiled');
  assert.equal(stats.reused, n - 2);
  assert.equal(t2.routes[0], t1.routes[0], 'unchanged routes are the same compiled objects');
  const reqs = [...requests(n), { method: 'GET', host: 'x', path: '/changed', rawQuery: '', headers: {}, remoteAddress: '1.1.1.1' },
    { method: 'GET', host: 'app1.example.org', path: '/added', rawQuery: '', headers: {}, remoteAddress: '1.1.1.1' }];
  same(t2, compileRoutes(changed, opts), reqs);
  // A large change rebuilds the tree; still the same decisions.
  const t3 = await sliced.sliced!(parse(routes(n, '-v2')), 3);
  same(t3, compileRoutes(parse(routes(n, '-v2')), opts), reqs);
});

test('the pipeline runs one build at a time; lists applied meanwhile coalesce into one build of the latest', async () => {
  const built: number[] = [];
  const compile = incrementalCompiler({ ...opts, sliceMs: 0 });
  let current: RouteTable | null = null;
  const p = new RoutePipeline({ compile, swap: (t) => (current = t), post: [{ name: 'count', built: (b) => built.push(b.generation) }] });
  const list = (n: number): RouteDef[] => parse(routes(n));
  const a = p.apply(list(5_000), 1);
  const b = p.apply(list(10), 2);
  const c = p.apply(list(20), 3);
  const [ta, tb, tc] = await Promise.all([a, b, c]);
  assert.deepEqual(built, [1, 3], 'generation 2 was superseded before its build started');
  assert.equal(ta.routes.length, 5_000);
  assert.equal(tb, tc, 'a superseded list resolves with the table that replaced it');
  assert.equal(tc.routes.length, 20);
  assert.equal(current, tc);
});
