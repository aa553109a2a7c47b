import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeReport, encodeReport, type ReportEntry } from '../../../swarm/gossip/report-codec.ts';
import { unwrap, wrap } from '../../../swarm/gossip/envelope.ts';

const entry = (i: number): ReportEntry => ({
  group: 'g',
  key: `client-${i}-é`,
  windowMs: 60_000,
  counts: { win: 29_000_000 + i, cur: i, prev: 2 * i, dCur: 3 * i, dPrev: 4 * i },
  reserved: i % 3,
});

test('reports round-trip and split into parts no larger than the bound; only the last part of a full one says full', () => {
  const entries = Array.from({ length: 500 }, (_, i) => entry(i));
  const parts = encodeReport({ full: true, entries }, 4096);
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(p.length <= 4096, `part of ${p.length} bytes`);
  const decoded = parts.map(decodeReport);
  assert.deepEqual(decoded.map((d) => d.full), [...Array(parts.length - 1).fill(false), true]);
  assert.deepEqual(decoded.flatMap((d) => d.entries), entries);
  assert.deepEqual(encodeReport({ full: false, entries: [] }, 4096).map(decodeReport), [{ full: false, entries: [] }]);
});

test('malformed reports are refused, not half applied', () => {
  const bad = ['not json', '{"f":0}', '{"f":0,"e":[["g","k",60000,1,1,1,1,1]]}', '{"f":0,"e":[["g","k",0,1,1,1,1,1,0]]}', '{"f":0,"e":[["g","k",60000,1,-1,1,1,1,0]]}', '{"f":0,"e":[[1,"k",60000,1,1,1,1,1,0]]}'];
  for (const b of bad) assert.throws(() => decodeReport(new TextEncoder().encode(b)), Error, b);
});

test('the envelope carries the member id and keeps equal payloads distinct by sequence', () => {
  const a = wrap('10.0.0.1:9990', 1, Uint8Array.of(1));
  const b = wrap('10.0.0.1:9990', 2, Uint8Array.of(1));
  assert.notDeepEqual(a, b);
  assert.deepEqual(unwrap(a), { from: '10.0.0.1:9990', payload: Uint8Array.of(1) });
  assert.equal(unwrap(Uint8Array.of(5, 1)), undefined);
  assert.equal(unwrap(new Uint8Array(0)), undefined);
});
