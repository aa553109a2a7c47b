import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { InvalidArgsError } from '../../../src/errors.ts';
import { randomContent } from '../../../src/filters/content/random-content.ts';
import { repeatContent } from '../../../src/filters/content/repeat-content.ts';
import { wrapContent } from '../../../src/filters/content/wrap-content.ts';
import { tarpit } from '../../../src/filters/diagnostics/tarpit.ts';
import { makeContext, readAll, spin } from './context.ts';

test('randomContent serves the requested number of alphanumeric bytes', async () => {
  const ctx = makeContext();
  randomContent.create([100_000]).request!(ctx);
  assert.equal(ctx.served, true);
  assert.equal(ctx.response!.status, 200);
  assert.equal(ctx.response!.headers['content-length'], '100000');
  const body = await readAll(ctx.response!.body);
  assert.equal(body.length, 100_000);
  assert.match(body.toString('latin1'), /^[A-Za-z0-9]+$/);
  const zero = makeContext();
  randomContent.create([0]).request!(zero);
  assert.equal((await readAll(zero.response!.body)).length, 0);
});

test('repeatContent serves the text repeated up to the size', async () => {
  for (const size of [0, 5, 24, 100_003]) {
    const ctx = makeContext();
    repeatContent.create(['I will not waste chalk. ', size]).request!(ctx);
    assert.equal(ctx.response!.headers['content-length'], String(size));
    const body = (await readAll(ctx.response!.body)).toString();
    assert.equal(body, 'I will not waste chalk. '.repeat(Math.ceil(size / 24) + 1).slice(0, size));
  }
});

test('randomContent and repeatContent validate arguments', () => {
  for (const bad of [[], ['42'], [-1], [1, 2]]) assert.throws(() => randomContent.create(bad), InvalidArgsError);
  for (const bad of [[], ['x'], ['', 5], [5, 5], ['x', -1], ['x', '5']]) {
    assert.throws(() => repeatContent.create(bad), InvalidArgsError, JSON.stringify(bad));
  }
});

test('wrapContent adds prefix and suffix and fixes content-length', async () => {
  const ctx = makeContext({
    response: { status: 200, headers: { 'content-length': '3' }, body: Readable.from([Buffer.from('b'), Buffer.from('ar')]) },
  });
  wrapContent.create(['foo', 'baz']).response!(ctx);
  assert.equal(ctx.response!.headers['content-length'], '9');
  assert.equal((await readAll(ctx.response!.body)).toString(), 'foobarbaz');
  const empty = makeContext({ response: { status: 200, headers: {}, body: null } });
  wrapContent.create(['[', ']']).response!(empty);
  assert.equal((await readAll(empty.response!.body)).toString(), '[]');
  for (const bad of [[], ['a'], ['a', 1], [1, 'a'], ['a', 'b', 'c']]) assert.throws(() => wrapContent.create(bad), InvalidArgsError);
});

test('tarpit serves one space per interval until the client leaves', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ctx = makeContext();
  tarpit.create(['1s']).request!(ctx);
  assert.equal(ctx.served, true);
  assert.equal(ctx.response!.status, 200);
  const got: string[] = [];
  const body = ctx.response!.body!;
  body.on('data', (c: Buffer) => got.push(c.toString()));
  await spin(10);
  assert.deepEqual(got, []);
  for (let i = 1; i <= 3; i++) {
    t.mock.timers.tick(1000);
    await spin(10);
    assert.equal(got.join(''), ' '.repeat(i));
  }
  body.destroy();
  await spin(5);
  assert.equal(body.destroyed, true);
  for (const bad of [[], [1000], ['0s'], ['soon'], ['1s', 2]]) assert.throws(() => tarpit.create(bad), InvalidArgsError);
});
