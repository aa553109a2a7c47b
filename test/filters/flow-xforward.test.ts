import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidFlowId, newFlowId } from '../../src/filters/headers/flow-id.ts';
import { makeContext, runChain } from './context.ts';
import { assertRejects, make } from './core.ts';

test('flowId sets a new valid id, always without "reuse"', async () => {
  const ctx = makeContext({ headers: { 'X-Flow-Id': 'existingFlowId12' } });
  await runChain([make('flowId')], ctx);
  const id = ctx.request.headers['x-flow-id'] as string;
  assert.ok(isValidFlowId(id));
  assert.equal(id.length, 16);
  assert.notEqual(id, 'existingFlowId12');
  const ignore = makeContext({ headers: { 'X-Flow-Id': 'existingFlowId12' } });
  await runChain([make('flowId', 'ignore')], ignore);
  assert.notEqual(ignore.request.headers['x-flow-id'], 'existingFlowId12');
});

test('flowId("reuse") keeps a valid id and replaces an invalid one', async () => {
  const keep = makeContext({ headers: { 'X-Flow-Id': 'existingFlowId12' } });
  await runChain([make('flowId', 'reuse')], keep);
  assert.equal(keep.request.headers['x-flow-id'], 'existingFlowId12');
  const bad = makeContext({ headers: { 'X-Flow-Id': 'bad id!' } });
  await runChain([make('flowId', 'REUSE', 64)], bad);
  assert.ok(isValidFlowId(bad.request.headers['x-flow-id'] as string));
  assert.notEqual(bad.request.headers['x-flow-id'], 'bad id!');
});

test('flow ids are distinct', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(newFlowId());
  assert.equal(seen.size, 2000);
});

test('xforward appends and xforwardFirst prepends the client address', async () => {
  const a = makeContext({ host: 'in.example.org', remoteAddress: '::ffff:192.0.2.9', headers: { 'X-Forwarded-For': '10.0.0.1' } });
  await runChain([make('xforward')], a);
  assert.equal(a.request.headers['x-forwarded-for'], '10.0.0.1, 192.0.2.9');
  assert.equal(a.request.headers['x-forwarded-host'], 'in.example.org');
  const b = makeContext({ remoteAddress: '192.0.2.9', headers: { 'X-Forwarded-For': '10.0.0.1' } });
  await runChain([make('xforwardFirst')], b);
  assert.equal(b.request.headers['x-forwarded-for'], '192.0.2.9, 10.0.0.1');
  const c = makeContext({ remoteAddress: '2001:db8::1' });
  await runChain([make('xforward')], c);
  assert.equal(c.request.headers['x-forwarded-for'], '2001:db8::1');
});

test('flowId and xforward reject bad arguments', () => {
  assertRejects([['flowId', [1]], ['flowId', ['reuse', 1, 2]], ['xforward', ['x']], ['xforwardFirst', [1]]]);
});
