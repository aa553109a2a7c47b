/**
 * The safe defaults of issue 12 as a user meets them, with real skipjack (and skipjack-routesrv) processes:
 * -disabled-filters refuses an Ingress using static(), -reverse-source-predicate defeats a spoofed
 * X-Forwarded-For, a default filter that cannot be created stops start-up with exit code 2, and a flag
 * accepted without effect is named once in the start-up log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FlagDef } from '../../src/config/flag-types.ts';
import { flagTable } from '../../src/config/table.ts';
import { startBackend } from '../support/backend.ts';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../support/kube-objects.ts';
import { startNode } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';
import { ROOT, runSkipjack, startSkipjack } from './harness.ts';

const skipjackScript = fileURLToPath(new URL('../../src/cmd/skipjack.ts', import.meta.url));
const routesrvScript = fileURLToPath(new URL('../../src/cmd/skipjack-routesrv.ts', import.meta.url));

function get(port: number, host: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('-disabled-filters=static: an Ingress using static() is refused with the reason, the others are served', { timeout: 90_000 }, async (t) => {
  const b = await startBackend('app', '127.0.0.2');
  t.after(() => b.close());
  const files = ingress('files', { host: 'files.example.org', service: 'svc-app' });
  files.metadata.annotations = { 'zalando.org/skipper-filter': 'static("/", "/")' };
  const api = await KubeApiServer.start([
    service('svc-app', 'default', 80, b.port),
    endpoints('svc-app', [b.host], 'default', b.port),
    files,
    ingress('app', { host: 'app.example.org', service: 'svc-app' }),
  ]);
  t.after(() => api.stop());
  const p = await startNode(skipjackScript, [
    '-kubernetes', `-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-support-listener=', '-workers=1', '-access-log-disabled',
    '-disabled-filters=static',
  ], /proxy listening on http:\/\/[^:]+:(\d+)/, 60_000);
  t.after(() => p.stop());
  const port = Number(p.match[1]);
  await waitFor('app served', async () => (await get(port, 'app.example.org', '/')).body === 'app', 20_000);
  // The application log quotes the message, logrus style: the quotes inside it are escaped.
  const refusal = /invalid route \\?"kube_default__files__[^ ]* \(unknown_filter\): .*filter \\?"static\\?" is disabled/;
  await waitFor('the refusal logged', () => refusal.test(p.stderr()), 10_000);
  const leak = await get(port, 'files.example.org', '/etc/hostname');
  assert.equal(leak.status, 404, `the pod's files must not be served: ${leak.body}`);
  assert.equal((await get(port, 'app.example.org', '/x')).body, 'app');
});

test('-reverse-source-predicate: Source() trusts the last X-Forwarded-For entry, not a spoofed first one (real HTTP)', async (t) => {
  const routes = 'internal: Path("/admin") && Source("10.9.0.0/16") -> status(200) -> inlineContent("admin") -> <shunt>;'
    + ' rest: * -> status(403) -> inlineContent("no") -> <shunt>;';
  const sj = await startSkipjack(t, [`-inline-routes=${routes}`, '-reverse-source-predicate', '-access-log-disabled']);
  const port = Number(new URL(sj.base).port);
  // The load balancer appends the peer it saw; the client controls everything before it.
  const spoofed = await get(port, 'x', '/admin', { 'x-forwarded-for': '10.9.1.1, 203.0.113.7' });
  assert.equal(spoofed.status, 403, 'a client claiming an internal address in the first entry is refused');
  const internal = await get(port, 'x', '/admin', { 'x-forwarded-for': '203.0.113.7, 10.9.1.1' });
  assert.equal(internal.status, 200, 'a request the load balancer saw from 10.9.1.1 is let in');
  assert.equal(internal.body, 'admin');
});

test('without -reverse-source-predicate Source() keeps Skipper\'s first-entry rule', async (t) => {
  const routes = 'internal: Path("/admin") && Source("10.9.0.0/16") -> status(200) -> <shunt>; rest: * -> status(403) -> <shunt>;';
  const sj = await startSkipjack(t, [`-inline-routes=${routes}`, '-access-log-disabled']);
  const port = Number(new URL(sj.base).port);
  assert.equal((await get(port, 'x', '/admin', { 'x-forwarded-for': '10.9.1.1, 203.0.113.7' })).status, 200);
  assert.equal((await get(port, 'x', '/admin', { 'x-forwarded-for': '203.0.113.7, 10.9.1.1' })).status, 403);
});

// Skipper's own deployment default is enableAccessLog(4,5) -> lifo(2000,20000,"3s"), which skipjack has now; the
// OAuth filters it still lacks stand in for any filter a Skipper manifest may name.
const skipperPrepend = '-default-filters-prepend=enableAccessLog(4,5) -> oauthTokeninfoAnyScope("uid")';

test('Skipper\'s -default-filters-prepend with a filter skipjack lacks stops start-up with exit 2, naming the flag', async () => {
  const r = await runSkipjack(['-address=127.0.0.1:0', '-support-listener=', '-workers=1', '-inline-routes=r: * -> <shunt>;', skipperPrepend]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^skipjack: invalid value .* for flag -default-filters-prepend: filter "oauthTokeninfoAnyScope" not found\n$/);
});

test('a default filter with bad arguments stops start-up too', async () => {
  const r = await runSkipjack(['-address=127.0.0.1:0', '-support-listener=', '-workers=1', '-default-filters-append=status("many")']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /flag -default-filters-append: failed to create filter "status"/);
});

test('skipjack-routesrv refuses the same default filters with exit 2', async () => {
  const proc = spawn(process.execPath, [routesrvScript, '-kubernetes-url=http://127.0.0.1:9', '-address=127.0.0.1:0', skipperPrepend], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Before the check it would start and retry the API for ever: bound the wait.
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  const [code] = (await once(proc, 'exit')) as [number | null];
  clearTimeout(timer);
  assert.equal(code, 2, stderr);
  assert.match(stderr, /skipjack-routesrv: invalid value .* for flag -default-filters-prepend: filter "oauthTokeninfoAnyScope" not found/);
});

const acceptedBool = (Object.values(flagTable) as FlagDef<unknown>[]).find((d) => d.status === 'accepted' && d.kind === 'bool');

test('a flag accepted without effect is named in one start-up warning, also with 2 workers', { skip: acceptedBool === undefined ? 'no boolean flag is accepted without effect any more' : false }, async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> status(200) -> <shunt>;', `-${acceptedBool!.name}`, '-access-log-disabled'], { workers: 2 });
  await sj.waitFor(/with 2 workers/);
  const lines = sj.stderr().split('\n').filter((l) => /has no effect/.test(l));
  assert.equal(lines.length, 1, sj.stderr());
  assert.match(lines[0]!, new RegExp(`flag -${acceptedBool!.name} `));
});

test('default filters are checked against the filters routes get: ratelimit() only with -enable-ratelimits', async (t) => {
  const prepend = '-default-filters-prepend=ratelimit(100, "1m")';
  const off = await runSkipjack(['-address=127.0.0.1:0', '-support-listener=', '-workers=1', prepend]);
  assert.equal(off.code, 2, off.stderr);
  assert.match(off.stderr, /flag -default-filters-prepend: filter "ratelimit" not found/);
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> inlineContent("limited") -> <shunt>;', '-enable-ratelimits', prepend, '-access-log-disabled']);
  const res = await fetch(`${sj.base}/`);
  assert.equal(await res.text(), 'limited');
});

test('skipjack-routesrv checks ratelimit() default filters like the fleet: refused without -enable-ratelimits, bad arguments refused with it', async () => {
  const run = async (args: string[]): Promise<{ code: number | null; stderr: string }> => {
    const proc = spawn(process.execPath, [routesrvScript, '-kubernetes-url=http://127.0.0.1:9', '-address=127.0.0.1:0', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A route server that passed the check keeps retrying the API: stop it once it listens.
    proc.stderr.on('data', () => {
      if (/route server listening/.test(stderr)) proc.kill('SIGTERM');
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    const [code] = (await once(proc, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stderr };
  };
  const off = await run(['-default-filters-prepend=ratelimit(100, "1m")']);
  assert.equal(off.code, 2, off.stderr);
  assert.match(off.stderr, /filter "ratelimit" not found/);
  const bad = await run(['-enable-ratelimits', '-default-filters-prepend=ratelimit("many", "1m")']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /failed to create filter "ratelimit"/);
  const good = await run(['-enable-ratelimits', '-default-filters-prepend=ratelimit(100, "1m")']);
  assert.match(good.stderr, /route server listening/);
});
