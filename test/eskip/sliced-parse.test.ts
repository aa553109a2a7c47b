import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, parseDocumentSliced } from '../../src/eskip/index.ts';

test('parseDocumentSliced yields to the event loop and gives what parseDocument gives, errors included', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 5_000; i++) lines.push(`r${i}: Host("^a${i % 50}[.]org$") && Path("/p/${i % 7}") -> setPath("/x") -> "http://10.0.0.${i % 9}:80";`);
  lines.splice(1_234, 0, 'broken: Path("/x") -> ;');
  const text = lines.join('\n');
  let yields = 0;
  let timerRan = false;
  let ranBeforeEnd = false;
  setTimeout(() => (timerRan = true), 0);
  const sliced = await parseDocumentSliced(text, { file: 'f.eskip', sliceMs: 0, onYield: () => yields++ }).then((r) => ((ranBeforeEnd = timerRan), r));
  const whole = parseDocument(text, { file: 'f.eskip' });
  assert.ok(yields > 5_000 / 256, `yielded ${yields} times`);
  assert.ok(ranBeforeEnd);
  assert.deepEqual(sliced.routes, whole.routes);
  assert.deepEqual(sliced.errors.map((e) => e.message), whole.errors.map((e) => e.message));
  assert.equal(sliced.routes.length, 5_000);
  // Equal calls are one shared, frozen object.
  assert.equal(whole.routes[0]!.filters[0], whole.routes[1]!.filters[0]);
  assert.ok(Object.isFrozen(whole.routes[0]!.filters[0]!.args));
});
