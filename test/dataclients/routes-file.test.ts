import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { createRoutesFileSource } from '../../src/dataclients/routes-file.ts';
import type { RouteSourceUpdate } from '../../src/dataclients/types.ts';

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

test('a broken edit is reported with file:line:col and no update', async (t) => {
  const { file, dir, events, start } = setup(t, 'a: * -> <shunt>;');
  await start;
  let updates = 0;
  events.on('update', () => updates++);
  const reported = once(events, 'error-report');
  replace(dir, file, 'a: * -> <shunt>;\nb: Path("/b" -> <shunt>;');
  const [err] = (await reported) as [Error];
  assert.match(err.message, new RegExp(`${file.replaceAll('/', '\\/')}:2:\\d+`));
  assert.equal(updates, 0);
});

test('a broken file at start fails start with file:line:col', async (t) => {
  const { file, start } = setup(t, '\n\nx: Path("/x") -> ');
  await assert.rejects(start, (e: Error) => e.message.startsWith(`${file}:3:`));
});

test('a missing file fails start naming it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-rf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = createRoutesFileSource(join(dir, 'nope.eskip'));
  await assert.rejects(source.start(() => {}, () => {}), /nope\.eskip: ENOENT/);
  await source.stop();
});
