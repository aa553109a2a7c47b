import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSkipjack, startSkipjack } from './harness.ts';

test('-edit-route and -clone-route change the routes skipjack serves', async (t) => {
  const sj = await startSkipjack(t, [
    '-access-log-disabled',
    '-inline-routes=r: Source("192.0.2.0/24") && Path("/a") -> inlineContent("a") -> <shunt>;',
    // Without the edit the route matches no loopback client; the clone serves /b as well.
    '-edit-route=|Source\\("[^"]*"\\)|Source("127.0.0.0/8")|',
    '-clone-route=#"/a"#"/b"#',
  ]);
  for (const path of ['/a', '/b']) {
    const r = await fetch(`${sj.base}${path}`);
    assert.equal(r.status, 200, path);
    assert.equal(await r.text(), 'a');
  }
  const routes = await (await fetch(`${sj.support}/routes?format=json`)).json() as { routes: { id: string }[] };
  assert.deepEqual(routes.routes.map((r) => r.id).sort(), ['clone_r', 'r']);
});

test('a bad -edit-route is a usage error naming the flag', async () => {
  const r = await runSkipjack(['-edit-route=/a(/b/', '-inline-routes=r: * -> <shunt>;']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /-edit-route/);
});
