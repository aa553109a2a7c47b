import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSkipjack } from './harness.ts';

test('an unknown flag prints one line naming it and exits 2', async () => {
  const r = await runSkipjack(['-routes-file=examples/routes.eskip', '--no-such-flag=1']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'skipjack: flag provided but not defined: -no-such-flag\n');
});

test('a bad value prints one line naming the flag and exits 2', async () => {
  const r = await runSkipjack(['-timeout-backend', '10']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /-timeout-backend/);
});

test('a broken route in the routes file at start-up is reported with file:line:col; the others are served', async (t) => {
  const { startSkipjack } = await import('./harness.ts');
  const dir = mkdtempSync(join(tmpdir(), 'skj-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'broken.eskip');
  writeFileSync(file, 'ok: Path("/") -> status(204) -> <shunt>;\n\nbad: Path("/x") -> setPath("/y" -> <shunt>;\nalso: Path("/z") -> status(203) -> <shunt>;\n');
  const sj = await startSkipjack(t, [`-routes-file=${file}`, '-access-log-disabled']);
  await sj.waitFor(new RegExp(`${file.replaceAll('/', '\\/')}:3:\\d+: `));
  assert.equal((await fetch(`${sj.base}/`)).status, 204);
  assert.equal((await fetch(`${sj.base}/z`)).status, 203);
  assert.equal((await fetch(`${sj.base}/x`)).status, 404);
});

test('-version prints the version', async () => {
  const r = await runSkipjack(['-version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^skipjack \d+\.\d+\.\d+\n$/);
});

test('-config-file: YAML keys as flags, command line wins', async (t) => {
  const { startSkipjack } = await import('./harness.ts');
  const dir = mkdtempSync(join(tmpdir(), 'skj-cfgfile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'skipjack.yaml');
  writeFileSync(file, ['inline-routes: \'r: * -> status(203) -> <shunt>;\'', 'access-log-disabled: true', 'address: "127.0.0.1:1"', ''].join('\n'));
  // startSkipjack puts -address=127.0.0.1:0 on the command line, which must beat the file's port 1.
  const sj = await startSkipjack(t, ['-config-file', file]);
  assert.equal((await fetch(`${sj.base}/`)).status, 203);
});

test('-help prints the flags and exits 0, as Go\'s flag package does', async () => {
  const r = await runSkipjack(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: skipjack \[flags\]/);
  assert.match(r.stdout, /-routes-file string\n/);
  assert.match(r.stdout, /-swarm-redis-min-conns int \(default 100\) \[accepted, no effect yet\]/);
  assert.match(r.stdout, /-enable-swarm bool \(default false\)\n/);
});
