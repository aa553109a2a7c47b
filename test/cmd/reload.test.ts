import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startBackend, startSkipjack, until } from './harness.ts';

test('editing the routes file under load fails no request; a broken route keeps its last good definition', async (t) => {
  const a = await startBackend(t, (_req, res) => res.end('a'));
  const b = await startBackend(t, (_req, res) => res.end('b'));
  const dir = mkdtempSync(join(tmpdir(), 'skj-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.eskip');
  const write = (text: string): void => {
    const tmp = join(dir, `.next-${Date.now()}-${Math.random()}`);
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  };
  write(`r: Path("/x") -> "${a.url}";`);
  const sj = await startSkipjack(t, [`-routes-file=${file}`, '-access-log-disabled']);
  const agent = new Agent({ connections: 8 });
  t.after(() => agent.close());

  const seen = new Map<string, number>();
  let failures = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop) {
      try {
        const res = await request(`${sj.base}/x`, { dispatcher: agent });
        const body = await res.body.text();
        if (res.statusCode !== 200) failures++;
        seen.set(body, (seen.get(body) ?? 0) + 1);
      } catch {
        failures++;
      }
    }
  };
  const loops = Array.from({ length: 8 }, worker);
  try {
    await until(() => (seen.get('a') ?? 0) > 50, 'traffic to a');
    write(`r: Path("/x") -> "${b.url}";`);
    await until(() => (seen.get('b') ?? 0) > 50, 'traffic to b after the edit');
    write(`r: Path("/x") -> setPath("/" -> "${a.url}";\nother: Path("/z") -> status(204) -> <shunt>;`);
    await sj.waitFor(new RegExp(`${file.replaceAll('/', '\\/')}:1:\\d+: .*keeping its last good definition`));
    await until(async () => (await fetch(`${sj.base}/z`)).status === 204, 'the good route of the broken edit served');
    const aAtBrokenEdit = seen.get('a')!;
    const bAtBrokenEdit = seen.get('b')!;
    await until(() => seen.get('b')! > bAtBrokenEdit + 50, 'more traffic after the broken edit');
    assert.equal(seen.get('a'), aAtBrokenEdit, 'still b: the broken route kept its last good definition');
    write(`r: Path("/x") -> "${a.url}";`);
    const aBefore = seen.get('a')!;
    await until(() => seen.get('a')! > aBefore + 50, 'traffic to a after the fix');
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  assert.equal(failures, 0);
});
