import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';

const CLI = join(import.meta.dirname, '../../src/cmd/skipjack-eskip.ts');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

async function tmp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skj-eskip-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('check: exit 0 for good files, 1 with file:line:col for broken ones', async (t) => {
  const dir = await tmp(t);
  await writeFile(join(dir, 'good.eskip'), 'a: Path("/") -> <shunt>;');
  await writeFile(join(dir, 'bad.eskip'), 'a: Path("/") -> <shunt>;\nb: Path("/x") ->\n  ;');
  assert.equal((await run(['check', join(dir, 'good.eskip')])).code, 0);
  const r = await run(['check', join(dir, 'good.eskip'), join(dir, 'bad.eskip'), join(dir, 'missing.eskip')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${join(dir, 'bad.eskip')}:3:3: expected a filter or a backend`));
  assert.match(r.stderr, /missing\.eskip: no such file/);
});

test('print: canonical, one route per block, and parseable again', async (t) => {
  const dir = await tmp(t);
  await writeFile(join(dir, 'r.eskip'), 'b: Path("/") && Host(/x/) -> setPath("/y") -> "http://z"; a: * -> <shunt>');
  const r = await run(['print', join(dir, 'r.eskip')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'b:\n  Path("/") && Host("x")\n  -> setPath("/y")\n  -> "http://z";\n\na:\n  *\n  -> <shunt>;\n');
  await writeFile(join(dir, 'p.eskip'), r.stdout);
  assert.equal((await run(['eq', join(dir, 'r.eskip'), join(dir, 'p.eskip')])).code, 0);
});

test('eq: 0 for equal lists, 1 with a readable diff otherwise; 2 on usage errors', async (t) => {
  const dir = await tmp(t);
  await writeFile(join(dir, 'a.eskip'), 'a: Host("x") && Path("/") -> <shunt>; b: * -> "http://b"');
  await writeFile(join(dir, 'b.eskip'), 'b: * -> "http://b"; a: Path("/") && Host(/x/) -> <shunt>');
  await writeFile(join(dir, 'c.eskip'), 'a: Path("/") -> <shunt>');
  assert.equal((await run(['eq', join(dir, 'a.eskip'), join(dir, 'b.eskip')])).code, 0);
  const r = await run(['eq', join(dir, 'a.eskip'), join(dir, 'c.eskip')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /~ a: predicates differ/);
  assert.match(r.stderr, /- only in the first: b/);
  assert.equal((await run(['eq', join(dir, 'a.eskip')])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
});

test('check accepts every eskip file of the conformance corpus and the collected doc examples', async () => {
  const corpus = join(import.meta.dirname, '../../../shared/conformance/skipper');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.eskip')) files.push(join(d, e.name));
    }
  };
  try {
    walk(corpus);
  } catch {
    // The corpus sits beside the checkout (../shared); CI lays it there too.
  }
  walk(join(import.meta.dirname, 'docs-examples'));
  assert.ok(files.length > 0);
  const r = await run(['check', ...files]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});
