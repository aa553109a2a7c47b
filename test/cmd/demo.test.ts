import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startSkipjack } from './harness.ts';

test('npm start: the demo routes answer with no other process running', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  assert.match(pkg.scripts.start, /skipjack\.js -routes-file examples\/routes\.eskip$/);
  const sj = await startSkipjack(t, ['-routes-file', 'examples/routes.eskip', '-access-log-disabled']);
  const home = await fetch(`${sj.base}/`);
  assert.equal(home.status, 200);
  assert.match(await home.text(), /skipjack is running/);
  assert.equal(await (await fetch(`${sj.base}/hello`)).text(), 'hello from skipjack\n');
  const old = await fetch(`${sj.base}/old`, { redirect: 'manual' });
  assert.equal(old.status, 308);
  assert.equal(old.headers.get('location'), 'http://localhost:9090/new');
  const api = await fetch(`${sj.base}/api/users`);
  assert.equal(api.headers.get('x-demo-loopback'), 'yes');
  assert.match(await api.text(), /through a loopback/);
  assert.equal((await fetch(`${sj.base}/teapot`)).status, 418);
  assert.equal((await fetch(`${sj.base}/nothing-here`)).status, 404);
});
