import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDef } from '../../../../src/eskip/ast.ts';
import { trafficPredicateCalculator, trafficSegmentPredicateCalculator } from '../../../../src/dataclients/kubernetes/convert/traffic.ts';

function predicatesFor(calc: typeof trafficPredicateCalculator, weights: [string, number][]): Record<string, string> {
  const t = calc(weights.map(([name, weight]) => ({ name, weight })));
  const out: Record<string, string> = {};
  for (const [name] of weights) {
    const tr = t.get(name)!;
    if (!tr.allowed()) {
      out[name] = 'none';
      continue;
    }
    const r: RouteDef = { id: name, predicates: [], filters: [], backendType: 'shunt' };
    tr.apply(r);
    out[name] = r.predicates.map((p) => `${p.name}(${p.args.join(', ')})`).join(' && ');
  }
  return out;
}

test('Traffic() values are relative to the remaining weight (Skipper docs example, rounded there)', () => {
  const t = trafficPredicateCalculator([0.1, 0.2, 0.3, 0.4].map((weight, i) => ({ name: `b${i + 1}`, weight })));
  const values = ['b1', 'b2', 'b3', 'b4'].map((n) => {
    const r: RouteDef = { id: n, predicates: [], filters: [], backendType: 'shunt' };
    t.get(n)!.apply(r);
    return { traffic: r.predicates.find((p) => p.name === 'Traffic')?.args[0], trues: r.predicates.filter((p) => p.name === 'True').length };
  });
  assert.deepEqual(values.map((v) => (typeof v.traffic === 'number' ? v.traffic.toFixed(3) : v.traffic)), ['0.100', '0.222', '0.429', undefined]);
  assert.deepEqual(values.map((v) => v.trues), [2, 1, 0, 0]);
});

test('even split of three backends gives Traffic(0.3333333333333333) then Traffic(0.5) (fixture three-backends)', () => {
  const got = predicatesFor(trafficPredicateCalculator, [['a', 0], ['b', 0], ['c', 0]]);
  assert.deepEqual(got, { a: 'Traffic(0.3333333333333333) && True()', b: 'Traffic(0.5)', c: '' });
});

test('a zero weight disables a backend; 30/70 gives Traffic(0.3)', () => {
  assert.deepEqual(predicatesFor(trafficPredicateCalculator, [['v1', 30], ['v2', 70]]), { v1: 'Traffic(0.3)', v2: '' });
  assert.deepEqual(predicatesFor(trafficPredicateCalculator, [['v1', 1], ['v2', 0], ['v3', 1]]), {
    v1: 'Traffic(0.5) && True()',
    v2: 'none',
    v3: '',
  });
});

test('TrafficSegment() bounds match the fixtures exactly', () => {
  assert.deepEqual(predicatesFor(trafficSegmentPredicateCalculator, [['a', 0], ['b', 0], ['c', 0]]), {
    a: 'TrafficSegment(0, 0.3333333333333333)',
    b: 'TrafficSegment(0.3333333333333333, 0.6666666666666666)',
    c: 'TrafficSegment(0.6666666666666666, 1)',
  });
  assert.deepEqual(predicatesFor(trafficSegmentPredicateCalculator, [['a', 1], ['b', 0], ['c', 1], ['d', 1], ['e', 1]]), {
    a: 'TrafficSegment(0, 0.25)',
    b: 'none',
    c: 'TrafficSegment(0.25, 0.5)',
    d: 'TrafficSegment(0.5, 0.75)',
    e: 'TrafficSegment(0.75, 1)',
  });
  assert.deepEqual(predicatesFor(trafficSegmentPredicateCalculator, [['only', 5]]), { only: '' });
});
