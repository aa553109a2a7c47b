/**
 * Traffic splits between the backends of one path (Ingress `zalando.org/backend-weights`, RouteGroup
 * backend weights), computed with Skipper's operations in Skipper's order so the floats match exactly.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import type { BackendTrafficAlgorithm } from '../options.ts';

/** A named backend with its configured weight (0 when none was configured). */
export interface WeightedBackend {
  readonly name: string;
  readonly weight: number;
}

/** Whether a backend gets traffic at all, and the predicates that give it its share. */
export interface BackendTraffic {
  allowed(): boolean;
  apply(r: RouteDef): void;
}

export type TrafficCalculator = (backends: readonly WeightedBackend[]) => Map<string, BackendTraffic>;

class TrafficPredicate implements BackendTraffic {
  value = 0;
  balance = 0;
  allowed(): boolean {
    return this.value > 0;
  }
  /** `Traffic(v)` plus one `True()` per remaining backend but one; nothing for the last share (1.0). */
  apply(r: RouteDef): void {
    if (this.value === 1) return;
    r.predicates.push({ name: 'Traffic', args: [this.value] });
    for (let i = 0; i < this.balance; i++) r.predicates.push({ name: 'True', args: [] });
  }
}

class TrafficSegmentPredicate implements BackendTraffic {
  min = 0;
  max = 0;
  allowed(): boolean {
    return this.min !== this.max;
  }
  apply(r: RouteDef): void {
    if (this.min === 0 && this.max === 1) return;
    r.predicates.push({ name: 'TrafficSegment', args: [this.min, this.max] });
  }
}

/**
 * Each backend's Traffic() value is its weight relative to the weights not yet consumed, so routes can be
 * tried in order: with weights 0.1/0.2/0.3/0.4 the values are 0.1, 0.2/0.9, 0.3/0.7 and 1. Without any
 * weight the split is even. Later duplicates of a name replace earlier ones.
 */
export function trafficPredicateCalculator(b: readonly WeightedBackend[]): Map<string, BackendTraffic> {
  let sum = 0;
  let weights = b.map((x) => x.weight);
  for (const w of weights) sum += w;
  if (sum === 0) {
    sum = weights.length;
    weights = weights.map(() => 1);
  }
  let lastWithWeight = 0;
  weights.forEach((w, i) => {
    if (w > 0) lastWithWeight = i;
  });
  const out = new Map<string, BackendTraffic>();
  b.forEach((bi, i) => {
    const t = new TrafficPredicate();
    out.set(bi.name, t);
    if (i === lastWithWeight) t.value = 1;
    else if (weights[i] === 0) t.value = 0;
    else t.value = weights[i] / sum;
    sum -= weights[i];
    t.balance = b.length - i - 2;
  });
  return out;
}

/**
 * Each backend gets the segment [min, max) of [0, 1) proportional to its weight; duplicate names keep the
 * first segment. The last segment's max is exactly 1 because x / x is 1 in IEEE 754.
 */
export function trafficSegmentPredicateCalculator(b: readonly WeightedBackend[]): Map<string, BackendTraffic> {
  const out = new Map<string, TrafficSegmentPredicate>();
  let sum = 0;
  for (const bi of b) {
    if (out.has(bi.name)) continue;
    const p = new TrafficSegmentPredicate();
    out.set(bi.name, p);
    p.min = sum;
    sum += bi.weight;
    p.max = sum;
  }
  if (sum === 0) {
    // Even split; iterates the input (not the map) so that duplicates advance the sum as in Skipper.
    for (const bi of b) {
      const p = out.get(bi.name)!;
      p.min = sum;
      sum += 1;
      p.max = sum;
    }
  }
  for (const p of out.values()) {
    p.min /= sum;
    p.max /= sum;
  }
  return out;
}

/** The calculator for `-kubernetes-backend-traffic-algorithm`. */
export function trafficCalculator(algorithm: BackendTrafficAlgorithm): TrafficCalculator {
  return algorithm === 'traffic-segment-predicate' ? trafficSegmentPredicateCalculator : trafficPredicateCalculator;
}
