/** The conformance runner on its own small fixture sets (not the shared corpus). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findFixtureSets } from './fixture-sets.ts';
import { runConformance } from './run.ts';
import { goRegExp } from './go-regexp.ts';
import { parseKubeFile } from './fixture-options.ts';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const run = fileURLToPath(new URL('./run.ts', import.meta.url));

test('sets are grouped by base name, recursively', () => {
  const sets = findFixtureSets([fixtures]);
  assert.deepEqual(
    sets.map((s) => `${s.name}:${[...s.files.keys()].sort().join(',')}`),
    [
      'fixtures/fail/unexpected-error:api,kube',
      'fixtures/fail/wrong-backend:eskip,yaml',
      'fixtures/pass/host-rule:eskip,yaml',
      'fixtures/pass/lists-fail:api,error',
      'fixtures/pass/missing-routegroups:api,log',
    ],
  );
});

test('each set gets PASS or FAIL with a reason, then the summary', async () => {
  const lines: string[] = [];
  const s = await runConformance([fixtures], (l) => lines.push(l));
  assert.equal(s.passed, 3);
  assert.equal(s.failed, 2);
  assert.equal(lines.at(-1), '3 passed, 2 failed');
  assert.ok(lines.includes('PASS fixtures/pass/host-rule'));
  assert.match(lines.find((l) => l.startsWith('FAIL fixtures/fail/wrong-backend'))!, /routes differ .*LB endpoints differ/);
  assert.match(lines.find((l) => l.startsWith('FAIL fixtures/fail/unexpected-error'))!, /unexpected error: failed to load cluster state/);
});

test('the CLI exits 0 with failures, 1 with --strict', async () => {
  const exec = promisify(execFile);
  const ok = await exec(process.execPath, [run, fixtures]);
  assert.match(ok.stdout, /^3 passed, 2 failed$/m);
  await assert.rejects(exec(process.execPath, [run, '--strict', fixtures]), (err: { code?: number }) => err.code === 1);
});

test('Go regexps: a class opening with ] and escaped quotes', () => {
  assert.ok(goRegExp('[[]routegroup[]]').test('[routegroup] x'));
  assert.ok(goRegExp('host \\\\\\"a\\.org\\\\\\"').test('msg="host \\"a.org\\""'));
});

test('.kube strings keep YAML 1.1 scalar text; wrong types are errors', () => {
  const o = parseKubeFile('kubernetesAnnotationPredicates:\n- key: a\n  value: yes\n  predicates:\n  - name: True\n    args: [10.0, "x"]\nhttpsRedirectCode: 302\nunknown: 1\n');
  assert.deepEqual(o.annotationPredicates, [{ key: 'a', value: 'yes', predicates: [{ name: 'True', args: [10, 'x'] }] }]);
  assert.equal(o.httpsRedirectCode, 302);
  assert.throws(() => parseKubeFile('eastWest: maybe\n'), /eastWest: cannot decode "maybe" as a bool/);
});
