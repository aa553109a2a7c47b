import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinFilters } from '../../../src/filters/builtin.ts';

const registry = builtinFilters();

const EXPECTED = [
  'compress', 'decompress',
  'randomContent', 'repeatContent', 'wrapContent', 'latency', 'bandwidth', 'chunks',
  'backendLatency', 'backendBandwidth', 'backendChunks', 'absorb', 'absorbSilent', 'tarpit', 'logHeader', 'logBody',
  'tee', 'teenf', 'teeLoopback',
];

test('the registry holds every wire filter', () => {
  for (const name of EXPECTED) assert.ok(registry.get(name), name);
});

test('every wire filter instance carries its spec name and at least one hook', () => {
  const sample: Record<string, (string | number)[]> = {
    repeatContent: ['x', 1], randomContent: [1], wrapContent: ['a', 'b'], latency: [1], backendLatency: [1],
    bandwidth: [1], backendBandwidth: [1], chunks: [1, 1], backendChunks: [1, 1], tarpit: ['1s'],
    logBody: ['request', 1], tee: ['http://127.0.0.1:1'], teenf: ['http://127.0.0.1:1'], teeLoopback: ['a'],
  };
  for (const spec of EXPECTED.map((n) => registry.get(n)!)) {
    const f = spec.create(sample[spec.name] ?? []);
    assert.equal(f.name, spec.name);
    assert.ok(f.request !== undefined || f.response !== undefined, spec.name);
  }
});
