import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { parse } from '../../src/eskip/index.ts';
import { startBackend, startSkipjack, until } from './harness.ts';

function routesFile(t: import('node:test').TestContext, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'skj-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routes.eskip');
  writeFileSync(file, text);
  return file;
}

test('proxies, serves /metrics, /routes with ETag and 304, /healthz, and logs access in combined format', async (t) => {
  const backend = await startBackend(t, (req, res) => res.end(`backend saw ${req.url} x-a=${req.headers['x-a']}`));
  const file = routesFile(t, [
    `api: Host("^api[.]example[.]org$") && Path("/v1/:x") -> setRequestHeader("X-A", "1") -> setResponseHeader("X-B", "2") -> "${backend.url}";`,
    'shunted: Path("/shunt") -> status(204) -> <shunt>;',
    'broken: Path("/broken") -> noSuchFilter() -> <shunt>;',
  ].join('\n'));
  const sj = await startSkipjack(t, [`-routes-file=${file}`]);

  // fetch() may not set Host; undici.request may.
  const r = await request(`${sj.base}/v1/things?q=1`, { headers: { host: 'api.example.org', 'user-agent': 'test-agent' } });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['x-b'], '2');
  assert.equal(await r.body.text(), 'backend saw /v1/things?q=1 x-a=1');
  assert.equal((await fetch(`${sj.base}/shunt`)).status, 204);
  assert.equal((await fetch(`${sj.base}/broken`)).status, 404, 'an invalid route is not served');

  // Skipper's default: the access log goes to stderr, beside the application log; stdout stays empty.
  await sj.waitFor(/"GET \/v1\/things\?q=1 HTTP\/1\.1" 200 \d+ "-" "test-agent" \d+ api\.example\.org/, 'stderr');
  assert.equal(sj.stdout(), '');
  await sj.waitFor(/routes\.eskip:3:1: invalid route \\"broken\\" \(unknown_filter\)/);

  const metrics = await (await fetch(`${sj.support}/metrics`)).text();
  assert.match(metrics, /skipjack_requests_total\{route="api",method="GET",code="200"\} 1/);
  assert.match(metrics, /skipjack_request_duration_seconds_bucket\{le="[^"]+",route="api",code="200"\}/);
  assert.match(metrics, /skipjack_backend_duration_seconds_count\{host="127\.0\.0\.1:\d+"\} 1/);
  assert.match(metrics, /skipjack_route_table_routes 2/);
  assert.match(metrics, /skipjack_invalid_routes\{reason="unknown_filter"\} 1/);
  assert.match(metrics, /skipjack_route_table_generation 1/);
  assert.match(metrics, /skipjack_route_update_duration_seconds_count 1/);
  assert.match(metrics, /skipjack_process_resident_memory_bytes/);

  const routes = await fetch(`${sj.support}/routes`);
  const etag = routes.headers.get('etag')!;
  assert.deepEqual(parse(await routes.text()).map((d) => d.id), ['api', 'shunted']);
  assert.equal((await fetch(`${sj.support}/routes`, { headers: { 'if-none-match': etag } })).status, 304);
  const json = await (await fetch(`${sj.support}/routes?format=json`)).json() as { invalid: { id: string; reason: string }[] };
  assert.deepEqual(json.invalid.map((i) => [i.id, i.reason]), [['broken', 'unknown_filter']]);
  assert.equal((await fetch(`${sj.support}/healthz`)).status, 200);
});

test('JSON access log and application log, default filters on every route, inline routes', async (t) => {
  const backend = await startBackend(t, (req, res) => res.end(`${req.headers['x-pre']}|${req.headers['x-post']}`));
  const sj = await startSkipjack(t, [
    `-inline-routes=r: Path("/x") -> "${backend.url}";`,
    '-default-filters-prepend=setRequestHeader("X-Pre", "p")',
    '-default-filters-append=setRequestHeader("X-Post", "q")',
    '-access-log-json-enabled', '-application-log-json-enabled',
  ]);
  assert.equal(await (await fetch(`${sj.base}/x`)).text(), 'p|q');
  const [line] = await sj.waitFor(/^\{.*"uri":"\/x".*\}$/m, 'stderr');
  const entry = JSON.parse(line) as Record<string, unknown>;
  assert.equal(entry.status, 200);
  assert.equal(entry.method, 'GET');
  assert.equal(entry['requested-host'], new URL(sj.base).host);
  assert.match(sj.stderr(), /^\{"level":"info","msg":"proxy listening on/m);
});

test('-access-log-disabled prints no access log', async (t) => {
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> status(201) -> <shunt>;', '-access-log-disabled']);
  assert.equal((await fetch(`${sj.base}/`)).status, 201);
  // The request metric proves the request was fully handled before we look at the log.
  await until(async () => /skipjack_requests_total\{route="r",method="GET",code="201"\} 1/.test(await (await fetch(`${sj.support}/metrics`)).text()), 'request metric');
  assert.doesNotMatch(sj.stderr(), /"GET \/ HTTP\/1\.1"/);
  assert.equal(sj.stdout(), '');
});

test('-access-log-disabled: an enableAccessLog route still logs, with its body size', async (t) => {
  const backend = await startBackend(t, (_req, res) => res.end('twelve bytes'));
  const sj = await startSkipjack(t, [`-inline-routes=r: Path("/on") -> enableAccessLog() -> "${backend.url}";`, '-access-log-disabled']);
  assert.equal(await (await fetch(`${sj.base}/on`)).text(), 'twelve bytes');
  await sj.waitFor(/"GET \/on HTTP\/1\.1" 200 12 /, 'stderr');
});

test('-access-log and -application-log write to files; -access-log-strip-query', async (t) => {
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'skj-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const access = join(dir, 'access.log');
  const app = join(dir, 'app.log');
  const sj = await startSkipjack(t, ['-inline-routes=r: * -> status(200) -> <shunt>;', `-access-log=${access}`, '-access-log-strip-query',
    `-application-log=${app}`, '-application-log-level=DEBUG'], { readyFrom: app });
  assert.equal((await fetch(`${sj.base}/path?secret=1`)).status, 200);
  await until(() => /"GET \/path HTTP\/1\.1" 200 /.test(readFileSync(access, 'utf8')), 'the access log line in the file');
  assert.doesNotMatch(readFileSync(access, 'utf8'), /secret/);
  assert.equal(sj.stdout(), '');
  assert.doesNotMatch(sj.stderr(), /"GET \/path/);
  assert.match(readFileSync(app, 'utf8'), /level=info msg="proxy listening on/);
});
