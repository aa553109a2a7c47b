/**
 * Regression guard: every Kubernetes data-client fixture set of Skipper's corpus passes. The corpus lives in
 * ../shared beside the checkout (CI lays it there too); the sets under extra/ that are not data-client sets
 * are listed with reasons in docs/conformance.md and are not part of this run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runConformance } from './run.ts';

const corpus = fileURLToPath(new URL('../../../shared/conformance/skipper', import.meta.url));
const dirs = ['ingressV1', 'routegroups', 'extra/dataclients/kubernetes/definitions/testdata/validation'].map((d) => `${corpus}/${d}`);

test('every ingressV1, routegroups and validation set of the shared corpus passes', { skip: existsSync(corpus) ? false : 'the shared conformance corpus is not beside this checkout' }, async () => {
  const lines: string[] = [];
  const summary = await runConformance(dirs, (l) => lines.push(l));
  assert.deepEqual(lines.filter((l) => l.startsWith('FAIL')), []);
  assert.ok(summary.passed >= 259, `only ${summary.passed} sets ran`);
});
