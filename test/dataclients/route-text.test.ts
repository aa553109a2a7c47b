import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routesFromText, routesFromTextSliced } from '../../src/dataclients/route-text.ts';
import { createInlineSource } from '../../src/dataclients/inline.ts';
import type { RouteSourceUpdate } from '../../src/dataclients/types.ts';

test('routesFromTextSliced returns to the event loop while it parses and gives what routesFromText gives', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(`r${i}: Path("/p/${i}") -> setResponseHeader("X-Route", "r${i}") -> <shunt>;`);
  lines[12_345] = 'r12345: Path("/p") -> ;';
  const text = lines.join('\n');
  let timerRan = false;
  setTimeout(() => (timerRan = true), 0);
  const sliced = await routesFromTextSliced('t.eskip', text, null).then((u) => ({ u, timerRanFirst: timerRan }));
  assert.ok(sliced.timerRanFirst, 'a timer ran before the parse finished');
  const whole = routesFromText('t.eskip', text, null);
  assert.deepEqual(sliced.u, whole);
  assert.equal(sliced.u.routes.length, 19_999);
  assert.match(sliced.u.errors![0]!.message, /^t\.eskip:12346:/);
});

test('an empty text after routes is refused by the sliced form too', async () => {
  await assert.rejects(routesFromTextSliced('t.eskip', '', [{ id: 'a', predicates: [], filters: [], backendType: 'shunt' }]), /empty \(0 bytes\)/);
});

test('-inline-routes reports a broken route as inline-routes:line:col and serves the others', async () => {
  const updates: RouteSourceUpdate[] = [];
  const source = createInlineSource('a: Path("/a") -> <shunt>;\nb: Path("/b") -> nope( -> <shunt>;\nc: * -> <shunt>;');
  await source.start((u) => updates.push(u), (e) => assert.fail(e));
  await source.stop();
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0]!.routes.map((r) => r.id), ['a', 'c']);
  assert.match(updates[0]!.errors![0]!.message, /^inline-routes:2:/);
});
