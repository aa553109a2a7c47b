/**
 * The heap settled at start-up (src/lifecycle/heap-settle.ts): a full collection that frees what start-up
 * left behind, without handing every module a global `gc`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapSettleService, settleHeap } from '../../src/lifecycle/index.ts';

/** Allocates ~`mb` MB of objects that survive scavenges (held until the returned function drops them). */
function oldGarbage(mb: number): () => void {
  let held: object[][] | null = [];
  for (let i = 0; i < mb * 16; i++) held.push(Array.from({ length: 2048 }, (_, j) => ({ j })));
  return () => {
    held = null;
  };
}

test('settleHeap frees unreachable objects at once, old ones included', () => {
  const drop = oldGarbage(40);
  // Two settles: the second measures from a heap that holds the garbage only (the first may find more).
  settleHeap();
  const held = process.memoryUsage().heapUsed;
  drop();
  const s = settleHeap();
  assert.ok(s.beforeBytes >= held * 0.9, `before ${s.beforeBytes} B, held ${held} B`);
  assert.ok(s.afterBytes < s.beforeBytes - 20 * 1048576, `settled from ${s.beforeBytes} to ${s.afterBytes} B: the 40 MB dropped were not collected`);
  assert.ok(s.ms >= 0);
});

test('settling does not install a global gc', () => {
  settleHeap();
  const exposed = process.execArgv.some((a) => a.startsWith('--expose-gc') || a.startsWith('--expose_gc'));
  if (!exposed) assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
});

test('heapSettleService settles when started and reports what it freed', async () => {
  const drop = oldGarbage(16);
  drop();
  const lines: string[] = [];
  const s = heapSettleService((m) => lines.push(m));
  assert.equal(s.name, 'settle the heap');
  await s.start();
  assert.equal(lines.length, 1, 'the service reported nothing');
  const m = /^heap settled before serving: (\d+) → (\d+) MB in \d+ ms$/.exec(lines[0]!);
  assert.ok(m !== null, lines[0]);
  assert.ok(Number(m[2]) < Number(m[1]), `settled from ${m[1]} to ${m[2]} MB`);
  await s.stop();
});
