/** skipjack-routesrv's /metrics (Skipper routesrv's names and skipjack's), -version and -help, as a process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KubeApiServer } from '../support/kube-apiserver.ts';
import { endpoints, ingress, service } from '../support/kube-objects.ts';
import { startNode } from '../support/process.ts';

const routesrv = fileURLToPath(new URL('../../src/cmd/skipjack-routesrv.ts', import.meta.url));

test('skipjack-routesrv serves /metrics with routesrv_ and skipjack_routesrv_ names', async (t) => {
  const api = await KubeApiServer.start([ingress('shop', { host: 'shop.example.org', service: 'shop' }), service('shop'), endpoints('shop', ['10.2.0.1'])]);
  t.after(() => api.stop());
  const srv = await startNode(routesrv, [`-kubernetes-url=${api.url}`, '-address=127.0.0.1:0', '-kubernetes-healthcheck=false'], /routes initialized.*\n/);
  t.after(() => srv.stop());
  const base = `http://127.0.0.1:${/listening on [^:]+:(\d+)/.exec(srv.stderr())![1]}`;
  const routes = await fetch(`${base}/routes`);
  const count = Number(routes.headers.get('x-count'));
  const size = (await routes.arrayBuffer()).byteLength;
  const text = await (await fetch(`${base}/metrics`)).text();
  assert.match(text, new RegExp(`^routesrv_custom_gauges\\{key="routes.total"\\} ${count}$`, 'm'));
  assert.match(text, new RegExp(`^routesrv_custom_gauges\\{key="routes.byte"\\} ${size}$`, 'm'));
  assert.match(text, /^routesrv_custom_total\{key="200"\} 1$/m);
  assert.match(text, new RegExp(`^skipjack_routesrv_routes ${count}$`, 'm'));
  assert.match(text, /^skipjack_routesrv_responses_total\{code="200"\} 1$/m);
  assert.match(text, /^skipjack_build_info\{version="[^"]+",nodejs_version="[^"]+"\} 1$/m);
  assert.match(text, /^process_start_time_seconds \d+$/m);
});

test('skipjack-routesrv -version and -help', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const v = spawnSync(process.execPath, [routesrv, '-version'], { encoding: 'utf8' });
  assert.equal(v.status, 0);
  assert.equal(v.stdout, `skipjack-routesrv ${pkg.version}\n`);
  const h = spawnSync(process.execPath, [routesrv, '-help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^Usage: skipjack-routesrv \[flags\]/);
  assert.match(h.stdout, /-kubernetes-url/);
  assert.doesNotMatch(h.stdout, /-access-log-json-enabled|-validation-webhook/, 'only the flags routesrv acts on');
});
