/**
 * /routes on the support listener always prints a document `skipjack-eskip check` accepts, including routes
 * without an id (a single inline expression), alone or next to others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSkipjack } from './harness.ts';

const CLI = join(import.meta.dirname, '../../src/cmd/skipjack-eskip.ts');

function check(text: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, 'check', '-'], (err, _stdout, stderr) => {
      resolve({ code: err ? (err.code as number) : 0, stderr });
    });
    child.stdin!.end(text);
  });
}

test('/routes with one route without id round-trips through skipjack-eskip check', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=Path("/") -> status(204) -> <shunt>', '-access-log-disabled']);
  const body = await (await fetch(`${sj.support}/routes`)).text();
  assert.match(body, /Path\("\/"\)/);
  const r = await check(body);
  assert.equal(r.code, 0, `${r.stderr}\n${body}`);
});

test('/routes with a route without id next to others round-trips, under an id no other route has', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skj-rt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.eskip');
  writeFileSync(file, 'unnamed: Path("/a") -> status(201) -> <shunt>;\nb: Path("/b") -> status(202) -> <shunt>;\n');
  const sj = await startSkipjack(t, [`-routes-file=${file}`, '-inline-routes=Path("/") -> status(204) -> <shunt>', '-access-log-disabled']);
  assert.equal((await fetch(`${sj.base}/`)).status, 204);
  const body = await (await fetch(`${sj.support}/routes`)).text();
  const r = await check(body);
  assert.equal(r.code, 0, `${r.stderr}\n${body}`);
  assert.match(body, /unnamed_2: Path\("\/"\)/);
});
