/**
 * Differential test against a brute-force statement of Skipper's path-tree order. For one request path,
 * every Path/PathSubtree route matches by a sequence of segment kinds — literal (0), `:wildcard` (1),
 * free wildcard (2, ends the sequence). pathmux's depth-first search (literal, then wildcard, then free
 * wildcard, backtracking) visits positions in lexicographic order of those sequences; within a position,
 * higher weight first, then definition order; routes without a path come last. The table must agree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { Registry } from '../../src/registry.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';

interface Gen { tokens: string[]; kind: 'Path' | 'PathSubtree' | null; method: string | null; weight: number }

function kinds(r: Gen, segs: string[]): number[] | null {
  const toks = r.tokens;
  const prefix = (n: number): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = toks[i]!;
      if (t.startsWith(':')) { if (segs[i] === '') return null; out.push(1); } else if (t === segs[i]) out.push(0); else return null;
    }
    return out;
  };
  const last = toks[toks.length - 1]!;
  if (r.kind === 'Path' && !last.startsWith('*')) return segs.length === toks.length ? prefix(toks.length) : null;
  let base = last.startsWith('*') ? toks.length - 1 : toks.length;
  // A subtree's base ignores its trailing slash.
  while (r.kind === 'PathSubtree' && base > 0 && toks[base - 1] === '') base--;
  if (segs.length < base) return null;
  const k = prefix(base);
  if (k === null) return null;
  if (r.kind === 'PathSubtree') {
    if (base === 0 && segs.length === 1 && segs[0] === '') return [0];
    if (segs.length === base) return k;
    if (segs.length === base + 1 && segs[base] === '') return [...k, 0];
  }
  return segs.slice(base).join('/') === '' ? null : [...k, 2];
}

function lexCompare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function reference(routes: Gen[], method: string, path: string): string | null {
  const segs = path.slice(1).split('/');
  const cands = routes.map((r, i) => ({ r, i, k: r.kind === null ? null : kinds(r, segs) }))
    .filter((c) => c.r.kind === null || c.k !== null)
    .sort((x, y) => {
      if ((x.k === null) !== (y.k === null)) return x.k === null ? 1 : -1;
      const c = x.k === null ? 0 : lexCompare(x.k, y.k!);
      return c !== 0 ? c : y.r.weight - x.r.weight || x.i - y.i;
    });
  const hit = cands.find((c) => c.r.method === null || c.r.method === method);
  return hit === undefined ? null : `r${hit.i}`;
}

const token = fc.constantFrom('a', 'b', ':p', ':q');
const genRoute: fc.Arbitrary<Gen> = fc.record({
  tokens: fc.tuple(fc.array(token, { maxLength: 3 }), fc.constantFrom('', 'end', '*r', '')).map(([t, last]) => {
    if (last === 'end') return t.length === 0 ? ['a'] : t;
    return [...t, last];
  }),
  kind: fc.constantFrom('Path' as const, 'PathSubtree' as const, null),
  method: fc.constantFrom('GET', 'POST', null),
  weight: fc.integer({ min: 0, max: 2 }),
}).filter((g) => !(g.kind === 'PathSubtree' && g.tokens.slice(0, -1).some((t) => t === '')));

const genPath = fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }), fc.boolean())
  .map(([segs, slash]) => '/' + segs.join('/') + (slash && segs.length > 0 ? '/' : ''));

function toDef(g: Gen, i: number): RouteDef {
  const predicates: RouteDef['predicates'] = [];
  if (g.kind !== null) predicates.push({ name: g.kind, args: ['/' + g.tokens.join('/')] });
  if (g.method !== null) predicates.push({ name: 'Method', args: [g.method] });
  for (let w = 0; w < g.weight; w++) predicates.push({ name: 'True', args: [] });
  return { id: `r${i}`, predicates, filters: [], backendType: 'shunt' };
}

for (const ignoreTrailingSlash of [false, true]) {
test(`the route table selects what the brute-force statement of Skipper's order selects (ignoreTrailingSlash ${ignoreTrailingSlash})`, () => {
  const opts = { predicates: builtinPredicates(), filters: new Registry<FilterSpec>('filter'), ignoreTrailingSlash };
  fc.assert(fc.property(fc.array(genRoute, { minLength: 1, maxLength: 12 }), fc.array(fc.tuple(fc.constantFrom('GET', 'POST'), genPath), { minLength: 1, maxLength: 8 }), (routes, reqs) => {
    // Method counts as a predicate, so the generated weight is the True() count plus one for a Method.
    const gens = routes.map((g) => ({ ...g, tokens: ignoreTrailingSlash ? trimmed(g) : g.tokens, weight: g.weight + (g.method !== null ? 1 : 0) }));
    const t = compileRoutes(routes.map(toDef), opts);
    assert.deepEqual(t.invalid, []);
    for (const [method, path] of reqs) {
      const got = t.lookup({ method, host: 'h', path, rawQuery: '', headers: {}, remoteAddress: '' })?.route.id ?? null;
      const refPath = ignoreTrailingSlash && path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      assert.equal(got, reference(gens, method, refPath), `${method} ${path}`);
    }
  }), { numRuns: 400 });
});
}

/** With -ignore-trailing-slash a Path pattern loses its trailing slash (subtrees ignore it anyway). */
function trimmed(g: Gen): string[] {
  return g.kind === 'Path' && g.tokens.length > 1 && g.tokens[g.tokens.length - 1] === '' ? g.tokens.slice(0, -1) : g.tokens;
}
