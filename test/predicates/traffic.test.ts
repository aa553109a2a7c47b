import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trafficSpec } from '../../src/predicates/traffic.ts';
import { trafficSegmentSpec } from '../../src/predicates/traffic-segment.ts';
import { weightSpec } from '../../src/routing/weight.ts';
import { trueSpec } from '../../src/predicates/true.ts';
import { falseSpec } from '../../src/predicates/false.ts';
import { predicateSuite, req } from './helpers.ts';

/** A random source returning the given values in turn. */
function seq(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

predicateSuite(trafficSpec(seq(0.05)), [
  { args: [0.1], req: req(), want: true },
  { args: [0.05], req: req(), want: false, name: 'Traffic(0.05) does not match a draw of 0.05' },
  { args: [0.01, 'cart-test', 'test'], req: req({ headers: { cookie: 'cart-test=test' } }), want: true, name: 'sticky cookie of the group matches regardless of chance' },
  { args: [1, 'cart-test', 'test'], req: req({ headers: { cookie: 'cart-test=default' } }), want: false, name: 'sticky cookie of another group never matches' },
  { args: [0.1, 'cart-test', 'test'], req: req(), want: true, name: 'without the cookie the chance decides' },
], [[], [1.5], [-0.1], ['0.5'], [0.5, 'c'], [0.5, 'c', 1], [0.5, 1, 'g']]);

predicateSuite(trafficSegmentSpec(seq(0.5)), [
  { args: [0.5, 0.8], req: req(), want: true },
  { args: [0, 0.5], req: req(), want: false, name: 'TrafficSegment excludes its upper bound' },
  { args: [0.5, 0.5], req: req(), want: false, name: 'an empty segment never matches' },
], [[0.5], [0.8, 0.5], [-1, 0.5], [0, 2], ['0', 1]]);

test('TrafficSegment predicates of one request share one random number', () => {
  const spec = trafficSegmentSpec(seq(0.3, 0.9));
  const segs = [spec.create([0, 0.25]), spec.create([0.25, 0.5]), spec.create([0.5, 1])];
  const r = req();
  assert.deepEqual(segs.map((s) => s.match(r)), [false, true, false]);
  assert.equal(r.trafficSegmentRandom, 0.3);
  const r2 = req();
  assert.deepEqual(segs.map((s) => s.match(r2)), [false, false, true]);
  assert.equal(spec.weight!([0, 1]), -1);
});

predicateSuite(weightSpec, [{ args: [10], req: req(), want: true }], [[], ['10'], [1, 2]]);

test('Weight truncates to an integer', () => {
  assert.equal(weightSpec.weight!([500.99]), 500);
  assert.equal(weightSpec.weight!([-2.5]), -2);
});

predicateSuite(trueSpec, [{ args: [], req: req(), want: true }], []);
predicateSuite(falseSpec, [{ args: [], req: req(), want: false }], []);
