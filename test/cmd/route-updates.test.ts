import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runSkipjack, startSkipjack, until } from './harness.ts';

/** A routes file written by rename, as editors and ConfigMap updates do. */
function routesFile(t: TestContext): { file: string; write(text: string): void } {
  const dir = mkdtempSync(join(tmpdir(), 'skj-updates-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.eskip');
  let n = 0;
  return {
    file,
    write(text) {
      const tmp = join(dir, `.next-${n++}`);
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    },
  };
}

const line = (i: number, v = 0): string => `r${i}: Path("/r${i}") -> inlineContent("v${i}-${v}") -> <shunt>;\n`;
const lines = (n: number, change: (i: number) => string = (i) => line(i)): string => Array.from({ length: n }, (_, i) => change(i)).join('');

/** One request on a connection of its own, so that with -workers 2 the requests alternate between workers. */
function fresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

/** Waits until `times` requests in a row answer as expected (every worker serves it). */
async function served(url: string, expect: { status: number; body?: string }, times = 8): Promise<void> {
  await until(async () => {
    for (let i = 0; i < times; i++) {
      const r = await fresh(url);
      if (r.status !== expect.status || (expect.body !== undefined && r.body !== expect.body)) return false;
    }
    return true;
  }, `${url} → ${expect.status} ${expect.body ?? ''}`);
}

function children(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

test('-workers 2: a change and a deletion reach the workers as deltas, the routes file\'s own (no comparison of the lists); a restarted worker gets the whole current list', async (t) => {
  const f = routesFile(t);
  f.write(lines(200));
  const sj = await startSkipjack(t, [`-routes-file=${f.file}`, '-application-log-level=DEBUG', '-access-log-disabled'], { workers: 2 });
  await until(() => (sj.stderr().match(/route generation 1 to worker \d+: the whole list of 200 definitions/g) ?? []).length === 2, 'the whole list to both workers');

  f.write(lines(200, (i) => line(i, i === 100 ? 1 : 0)));
  await served(`${sj.base}/r100`, { status: 200, body: 'v100-1' });
  await sj.waitFor(/route generation 2 to the workers \(the source's change\): 1 definitions sent, 1 replaced or removed, 200 in all/);

  f.write(lines(200, (i) => (i === 150 ? '' : line(i, i === 100 ? 1 : 0))));
  await served(`${sj.base}/r150`, { status: 404 });
  await sj.waitFor(/route generation 3 to the workers \(the source's change\): 0 definitions sent, 1 replaced or removed, 199 in all/);
  assert.doesNotMatch(sj.stderr(), /sending the whole list/, 'no worker needed a resync');

  const [victim] = children(sj.proc.pid!);
  process.kill(victim!, 'SIGKILL');
  await sj.waitFor(new RegExp(`worker ${victim} exited unexpectedly`));
  await until(() => children(sj.proc.pid!).length === 2 && !children(sj.proc.pid!).includes(victim!), 'a replacement worker');
  const [, replacement] = await sj.waitFor(/route generation 3 to worker (\d+): the whole list of 199 definitions/);
  assert.ok(children(sj.proc.pid!).includes(Number(replacement)));
  await served(`${sj.base}/r100`, { status: 200, body: 'v100-1' });
  await served(`${sj.base}/r150`, { status: 404 });
  // The replacement takes deltas from then on, like the others.
  f.write(lines(200, (i) => (i === 150 ? '' : line(i, i === 100 || i === 5 ? 2 : 0))));
  await served(`${sj.base}/r5`, { status: 200, body: 'v5-2' });
  await sj.waitFor(/route generation 4 to the workers \(the source's change\): 2 definitions sent, 2 replaced or removed, 199 in all/);
  assert.doesNotMatch(sj.stderr(), /sending the whole list/);
});

test('a re-read routes file: changes in the middle, at the start and at the end are served; a broken route is reported with file:line:col and the others stay', async (t) => {
  const f = routesFile(t);
  const n = 3000;
  let version = (i: number): number => 0 * i;
  const write = (extra: (i: number) => string = () => ''): void => f.write(lines(n, (i) => extra(i) + line(i, version(i))));
  write();
  const sj = await startSkipjack(t, [`-routes-file=${f.file}`, '-access-log-disabled'], { workers: 2 });
  await served(`${sj.base}/r1500`, { status: 200, body: 'v1500-0' });

  for (const changed of [1500, 0, n - 1]) {
    const before = version;
    version = (i) => (i === changed ? 1 : before(i));
    write();
    await served(`${sj.base}/r${changed}`, { status: 200, body: `v${changed}-1` });
  }
  write((i) => (i === 1500 ? 'broken: Path("/broken" -> <shunt>;\n' : ''));
  // The broken route sits on line 1501, in front of r1500.
  await sj.waitFor(new RegExp(`route broken: ${f.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1501:\\d+: `));
  for (const i of [0, 1499, 1500, 1501, n - 1]) await served(`${sj.base}/r${i}`, { status: 200, body: `v${i}-${version(i)}` }, 2);
  assert.equal((await fresh(`${sj.base}/broken`)).status, 404);
});

test('-max-routes: a routes file beyond the bound is refused naming it and the count; the previous table keeps being served', async (t) => {
  const f = routesFile(t);
  f.write(lines(3));
  const sj = await startSkipjack(t, [`-routes-file=${f.file}`, '-max-routes=3', '-access-log-disabled'], { workers: 2 });
  await served(`${sj.base}/r2`, { status: 200, body: 'v2-0' });
  f.write(lines(4, (i) => line(i, 1)));
  await sj.waitFor(new RegExp(`route source file:\\S+routes\\.eskip: 4 routes exceed -max-routes=3; keeping its last good routes`));
  await served(`${sj.base}/r2`, { status: 200, body: 'v2-0' });
  assert.equal((await fresh(`${sj.base}/r3`)).status, 404);
  f.write(lines(3, (i) => line(i, 2)));
  await served(`${sj.base}/r2`, { status: 200, body: 'v2-2' });

  const r = await runSkipjack([`-routes-file=${f.file}`, '-max-routes=2', '-address=127.0.0.1:0', '-support-listener=']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /route source file:\S+routes\.eskip: 3 routes exceed -max-routes=2; not loaded/);
});
