import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { Arg } from '../../src/eskip/ast.ts';
import { ACCESS_LOG_STATE_KEY, accessLogWanted, prefixRange } from '../../src/filters/diagnostics/access-log.ts';
import { makeContext } from './context.ts';
import { assertRejects, make } from './core.ts';
import { startBackend, startSkipjack, until } from '../cmd/harness.ts';

/** Whether a response with `status` is logged on a route with `name(...args)`, the flag saying `byFlag`. */
function logged(name: string, args: Arg[], status: number, byFlag = true): boolean {
  const ctx = makeContext();
  void make(name, ...args).request!(ctx);
  return accessLogWanted(ctx.stateBag.get(ACCESS_LOG_STATE_KEY), status, byFlag);
}

test('status prefixes: one digit is a class, two digits a decade, three a code', () => {
  assert.deepEqual(prefixRange(2), [200, 300]);
  assert.deepEqual(prefixRange(40), [400, 410]);
  assert.deepEqual(prefixRange(404), [404, 405]);
});

test('disableAccessLog(): nothing is logged; with prefixes only matching statuses are left out', () => {
  for (const s of [200, 404, 503]) assert.equal(logged('disableAccessLog', [], s), false);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 204), false);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 101), false);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 301), false);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 302), true);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 210), true);
  assert.equal(logged('disableAccessLog', [1, 20, 301], 500), true);
});

test('enableAccessLog(): logs even under -access-log-disabled; with prefixes only matching statuses', () => {
  assert.equal(logged('enableAccessLog', [], 200, false), true);
  assert.equal(logged('enableAccessLog', [4, 500], 404, false), true);
  assert.equal(logged('enableAccessLog', [4, 500], 500, false), true);
  assert.equal(logged('enableAccessLog', [4, 500], 502, false), false);
  assert.equal(logged('enableAccessLog', [4, 500], 200, true), false);
});

test('without a filter the flag decides; a bare true in the bag disables', () => {
  assert.equal(accessLogWanted(undefined, 200, true), true);
  assert.equal(accessLogWanted(undefined, 200, false), false);
  assert.equal(accessLogWanted(true, 200, true), false);
});

test('non-integer, negative, too long or string codes are rejected at build time', () => {
  assertRejects([
    ['disableAccessLog', ['200']], ['disableAccessLog', [2.5]], ['enableAccessLog', [-1]], ['enableAccessLog', [1000]],
  ]);
});

test('skipjack: a disableAccessLog route writes no access-log line, another route does', async (t) => {
  const backend = await startBackend(t, (_req, res) => res.end('ok'));
  const sj = await startSkipjack(t, [
    `-inline-routes=quiet: Path("/quiet") -> disableAccessLog() -> "${backend.url}";` +
    `quiet404: Path("/quiet404") -> disableAccessLog(2) -> status(404) -> "${backend.url}";` +
    `loud: Path("/loud") -> "${backend.url}";`,
  ]);
  for (const path of ['/quiet', '/quiet404', '/loud']) {
    const r = await request(`${sj.base}${path}`);
    await r.body.text();
  }
  // Lines are written in request order: once /loud is there, the earlier ones would be too.
  await until(() => sj.stderr().includes('GET /loud '), 'access-log line for /loud');
  assert.doesNotMatch(sj.stderr(), /GET \/quiet /);
  assert.match(sj.stderr(), /"GET \/quiet404 HTTP\/1\.1" 404 /);
});

test('skipjack: enableAccessLog logs a route under -access-log-disabled', async (t) => {
  const backend = await startBackend(t, (_req, res) => res.end('ok'));
  const sj = await startSkipjack(t, [
    '-access-log-disabled',
    `-inline-routes=loud: Path("/loud") -> enableAccessLog() -> "${backend.url}"; other: Path("/other") -> "${backend.url}";`,
  ]);
  for (const path of ['/other', '/loud']) await (await request(`${sj.base}${path}`)).body.text();
  await until(() => sj.stderr().includes('GET /loud '), 'access-log line for /loud');
  assert.doesNotMatch(sj.stderr(), /GET \/other /);
});
