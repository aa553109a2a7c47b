import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { createRoutesFileSource } from '../../src/dataclients/routes-file.ts';
import type { RouteSourceUpdate } from '../../src/dataclients/types.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import { builtinPredicates } from '../../src/predicates/builtin.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { windowCounters } from '../../src/routing/reconcile-window.ts';
import { listCounters } from '../../src/lifecycle/index.ts';

function setup(t: import('node:test').TestContext, text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'skj-rf-'));
  const file = join(dir, 'routes.eskip');
  writeFileSync(file, text);
  const events = new EventEmitter();
  const source = createRoutesFileSource(file, { pollIntervalMs: 20, settleMs: 10 });
  t.after(async () => {
    await source.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = source.start((u) => events.emit('update', u), (e) => events.emit('error-report', e));
  return { file, dir, events, start, source };
}

function replace(dir: string, file: string, text: string): void {
  const tmp = join(dir, `.tmp-${Math.random()}`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

test('loads the file, then serves edits without restart', async (t) => {
  const { file, dir, events, start } = setup(t, 'a: Path("/a") -> <shunt>;');
  const first = once(events, 'update');
  await start;
  const [u1] = (await first) as [RouteSourceUpdate];
  assert.deepEqual(u1.routes.map((r) => r.id), ['a']);

  const next = once(events, 'update');
  replace(dir, file, 'a: Path("/a") -> <shunt>;\nb: Path("/b") -> <shunt>;');
  const [u2] = (await next) as [RouteSourceUpdate];
  assert.deepEqual(u2.routes.map((r) => r.id), ['a', 'b']);

  const inPlace = once(events, 'update');
  writeFileSync(file, 'c: * -> <shunt>;');
  const [u3] = (await inPlace) as [RouteSourceUpdate];
  assert.deepEqual(u3.routes.map((r) => r.id), ['c']);
});

test('a broken route is reported with file:line:col; the others are served and it keeps its last good definition', async (t) => {
  const { file, dir, events, start } = setup(t, 'a: * -> <shunt>;\nb: Path("/b") -> <shunt>;');
  await start;
  const next = once(events, 'update');
  replace(dir, file, 'a: * -> <shunt>;\nb: Path("/b" -> <shunt>;\nc: Path("/c" -> <shunt>;\nd: * -> <shunt>;');
  const [u] = (await next) as [RouteSourceUpdate];
  assert.deepEqual(u.routes.map((r) => r.id).sort(), ['a', 'b', 'd']);
  assert.deepEqual(u.routes.find((r) => r.id === 'b')!.predicates, [{ name: 'Path', args: ['/b'] }], 'b as it was');
  assert.deepEqual(u.errors?.map((e) => e.id), ['b', 'c']);
  assert.match(u.errors![0]!.message, new RegExp(`${file.replaceAll('/', '\\/')}:2:\\d+: .*keeping its last good definition`));
  assert.match(u.errors![1]!.message, /:3:\d+: .*route not loaded/);
});

test('an emptied file keeps the routes and says so; a file with only a comment removes them with a warning', async (t) => {
  const { file, dir, events, start } = setup(t, 'a: * -> <shunt>;');
  await start;
  let updates = 0;
  events.on('update', () => updates++);
  const reported = once(events, 'error-report');
  writeFileSync(file, '');
  const [err] = (await reported) as [Error];
  assert.match(err.message, /empty \(0 bytes\).*keeping the last good 1 routes/);
  assert.equal(updates, 0);
  const next = once(events, 'update');
  replace(dir, file, '// no routes on purpose\n');
  const [u] = (await next) as [RouteSourceUpdate];
  assert.deepEqual(u.routes, []);
  assert.match(u.errors?.[0]?.message ?? '', /defines no routes now; 1 routes removed/);
});

test('a file over -max-route-source-bytes is refused unread, naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-rf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'big.eskip');
  writeFileSync(file, `a: * -> inlineContent("${'x'.repeat(2000)}") -> <shunt>;`);
  const source = createRoutesFileSource(file, { maxBytes: 1024 });
  await assert.rejects(source.start(() => {}, () => {}), (e: Error & { code?: string }) => e.code === 'SKJ_ERR_SOURCE_TOO_LARGE' && e.message.includes(file));
  await source.stop();
});

test('a broken route at start is reported with file:line:col and does not fail start', async (t) => {
  const { file, events, start } = setup(t, 'ok: * -> <shunt>;\n\nx: Path("/x") -> ');
  const first = once(events, 'update');
  await start;
  const [u] = (await first) as [RouteSourceUpdate];
  assert.deepEqual(u.routes.map((r) => r.id), ['ok']);
  assert.ok(u.errors?.[0]?.message.startsWith(`${file}:3:`), u.errors?.[0]?.message);
});

test('a missing file fails start naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-rf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = createRoutesFileSource(join(dir, 'nope.eskip'));
  await assert.rejects(source.start(() => {}, () => {}), /nope\.eskip: ENOENT/);
  await source.stop();
});

test('one route changed, added or removed among 3,000: the other definitions keep their objects and the compile matches and builds only that route', async (t) => {
  const line = (i: number, v = 0): string => `r${i}: Path("/r${i}") && Header("X-A", "a") -> setResponseHeader("X-R", "${i}") -> inlineContent("v${v}") -> <shunt>;\n`;
  const n = 3000;
  const lines = Array.from({ length: n }, (_, i) => line(i));
  const { file, dir, events, start } = setup(t, lines.join(''));
  const first = once(events, 'update');
  await start;
  const [u1] = (await first) as [RouteSourceUpdate];
  const opts = { predicates: builtinPredicates(), filters: builtinFilters() };
  let table = compileRoutes(u1.routes, opts);
  let prev = u1.routes;
  const edits: [string, () => void][] = [
    ['edit', () => void (lines[1500] = line(1500, 1))],
    ['insert', () => void lines.splice(10, 0, line(n + 1))],
    ['remove', () => void lines.splice(2500, 1)],
  ];
  for (const [what, edit] of edits) {
    edit();
    const next = once(events, 'update');
    replace(dir, file, lines.join(''));
    const [u] = (await next) as [RouteSourceUpdate];
    const old = new Set(prev);
    const fresh = u.routes.filter((r) => !old.has(r));
    assert.equal(fresh.length, what === 'remove' ? 0 : 1, `${what}: new definition objects`);
    const before = windowCounters.matched;
    const compared = listCounters.compared;
    const t2 = compileRoutes(u.routes, { ...opts, previous: table });
    assert.ok(windowCounters.matched - before <= 2, `${what}: matched ${windowCounters.matched - before} definitions`);
    // The source's list knows where it differs from the previous one: the compile does not scan for it.
    assert.equal(listCounters.compared - compared, 0, `${what}: definitions compared to find the change`);
    assert.equal(t2.stats.compiled, fresh.length, `${what}: compiled afresh`);
    table.release();
    table = t2;
    prev = u.routes;
  }
  table.release();
});

test('an edit is delivered with its change against the list delivered before (what -workers sends on without comparing the lists)', async (t) => {
  const text = Array.from({ length: 3000 }, (_, i) => `r${i}: Path("/r${i}") -> setResponseHeader("X-R", "${i}") -> <shunt>;\n`).join('');
  const { file, dir, events, start } = setup(t, text);
  const first = once(events, 'update');
  await start;
  const [u1] = (await first) as [RouteSourceUpdate];
  assert.equal(u1.change, undefined, 'the first list has nothing to differ from');
  const second = once(events, 'update');
  replace(dir, file, text.replace('Path("/r1500")', 'Path("/r1500/v2")'));
  const [u2] = (await second) as [RouteSourceUpdate];
  assert.ok(u2.change !== undefined);
  assert.equal(u2.change.from, u1.routes);
  assert.deepEqual(u2.change.hunks, [{ at: 1500, remove: 1, insert: 1 }]);
  assert.deepEqual(u2.change.inserted.map((r) => r.predicates[0]!.args[0]), ['/r1500/v2']);
  assert.ok(u2.routes.every((r, i) => i === 1500 ? r === u2.change!.inserted[0] : r === u1.routes[i]));
  // A broken route keeps its last good definition: the list is then the source's own copy, and no change is given.
  const third = once(events, 'update');
  replace(dir, file, text.replace('Path("/r1500")', 'Path("/r1500/v2"').replace('Path("/r10")', 'Path("/r10" &&'));
  const [u3] = (await third) as [RouteSourceUpdate];
  assert.equal(u3.change, undefined, 'a list with a kept last good definition differs from the document\'s');
  assert.ok(u3.routes.some((r) => r.id === 'r10'));
});
